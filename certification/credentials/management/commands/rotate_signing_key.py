"""Create a new Ed25519 signing key for Open Badges credentials and make it current.

The old public keys stay published (keys.json in PEERPATH_SIGNING_KEYS_DIR, and so in the
issuer profile), so credentials they signed keep verifying. The private key is written as
<key id>.key with mode 0600 and never printed.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certification.credentials.openbadges import keys
from certification.credentials.openbadges.exceptions import OpenBadgesError


class Command(BaseCommand):
    help = "Generate a new Ed25519 signing key, make it current, keep old public keys published."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keys-dir",
            type=Path,
            default=None,
            help="Folder of keys (default: PEERPATH_SIGNING_KEYS_DIR).",
        )

    def handle(self, *args, keys_dir=None, **options):
        directory = keys_dir or keys.keys_dir()
        try:
            key = keys.rotate_signing_key(directory=directory)
            published = keys.published_keys(directory=directory)
        except (OpenBadgesError, OSError) as error:
            raise CommandError(f"Could not rotate the signing key: {error}") from error
        self.stdout.write(f"New current signing key: {key.key_id}")
        self.stdout.write(f"Its public key document: {keys.key_url(key_id=key.key_id)}")
        self.stdout.write(f"Public keys published: {len(published)} (in {directory})")
        if settings.PEERPATH_SIGNING_KEY or settings.PEERPATH_SIGNING_KEY_FILE:
            self.stderr.write(
                "Note: PEERPATH_SIGNING_KEY or PEERPATH_SIGNING_KEY_FILE is set and takes "
                "precedence; unset it for the new key to be used."
            )
