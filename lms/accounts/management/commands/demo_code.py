"""Print the current two-factor code of the demo staff logins (demo sites only), for people
trying Peerpath without an authenticator app."""

import time

from django.core.management.base import BaseCommand

from lms.accounts import totp
from lms.accounts.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current two-factor code for the demo trainer, supervisor, organisation "
        "admin, registrar and administrator."
    )

    def handle(self, *args, **options):
        step = totp.current_step()
        seconds = totp.STEP_SECONDS - int(time.time()) % totp.STEP_SECONDS
        self.stdout.write(f"{totp.code_at(DEMO_TOTP_SECRET, step)}  (valid for {seconds} s more)")
