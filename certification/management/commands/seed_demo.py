"""Seed the demo site. Lives in the last app of the dependency chain because it composes
every app's own demo seeding. Idempotent: running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from certification.demo import (
    ensure_signing_key,
    seed_frameworks,
    seed_graduate,
    seed_practicum,
)
from certification.models import Certificate
from cms.demo import seed_site
from courses.demo import seed_courses, seed_learning, seed_quizzes
from lms.accounts import services as account_services
from lms.accounts.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_login_needs_code,
    seed_people,
)


class Command(BaseCommand):
    help = "Create the demo site, organisations, people and courses (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet=False, **options):
        with transaction.atomic():
            account_services.sync_role_groups()
            seed_site()
            logins = seed_people()
            seed_courses()
            seed_quizzes()
            seed_learning()
            seed_frameworks()
            seed_practicum()
            ensure_signing_key()
            logins.append(seed_graduate())
            # Again, now that the course catalogue exists for trainers' page permissions.
            account_services.sync_role_groups()
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS("\nPeerpath demo is ready. Demo logins:"))
        width = max(len(label) for label, _ in logins)
        for label, email in logins:
            self.stdout.write(f"  {label.ljust(width)}  {email}")
        self.stdout.write(f"  Password for every demo login: {DEMO_PASSWORD}")
        with_code = [label for label, email in logins if demo_login_needs_code(email)]
        self.stdout.write(
            f"  {', '.join(with_code)} also need a two-factor code: add the key\n"
            f"  {DEMO_TOTP_SECRET} to an authenticator app, or run `make demo-code`.\n"
        )
        certificate = (
            Certificate.objects.active().filter(trainee__email="graduate@peerpath.example").first()
        )
        if certificate is not None:
            self.stdout.write(
                f"  Demo certificate ({certificate.holder_name}): verification code "
                f"{certificate.grouped_code}\n  {certificate.verification_url}\n"
            )
