"""Re-encrypt every encrypted field with the current key (the first in PEERPATH_FIELD_KEYS).

Rotation: generate a key, put it first in PEERPATH_FIELD_KEYS (keep the old ones after it),
restart, run this command, then remove the old keys."""

from django.core.management.base import BaseCommand
from django.db import transaction

from lms.crypto import encrypted_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt reflections, supervision notes and other encrypted text with the current key."
    )

    def handle(self, *args, **options):
        total = 0
        for model, name in encrypted_fields():
            count = 0
            for pk, value in model._default_manager.values_list("pk", name).iterator():
                if not value:
                    continue
                # Reading decrypted with any listed key; writing encrypts with the current one.
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{name: value})
                count += 1
            self.stdout.write(f"{model._meta.label}.{name}: {count} re-encrypted")
            total += count
        self.stdout.write(self.style.SUCCESS(f"{total} values now use the current key."))
