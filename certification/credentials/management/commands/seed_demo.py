"""Seed the demo site. A composition root like lms/urls.py: it calls every app's own demo
seeding in order (tests/test_layering.py lists it as glue). Idempotent: running it twice
changes nothing."""

import logging
from contextlib import contextmanager, nullcontext

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from certification.boards.demo import seed_boards
from certification.credentials.demo import (
    ensure_signing_key,
    seed_exam_and_ce,
    seed_frameworks,
    seed_graduate,
    seed_practicum,
)
from certification.credentials.models import Certificate
from certification.hours import demo as hours_demo
from certification.live.demo import seed_live
from certification.practicum.demo import seed_onboarding
from cms.demo import seed_site
from courses.demo import seed_contact_hours, seed_courses, seed_learning, seed_quizzes
from lms.accounts import services as account_services
from lms.accounts.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_login_needs_code,
    seed_people,
)
from lms.site import absolute_url

# Seeding publishes a few hundred pages; each one logs its edit and runs background tasks
# (the reference index) that log twice more. Thousands of lines a newcomer has no use for,
# and they push the demo logins off the screen: while seeding, only warnings get through.
CHATTY_LOGGERS = ("django_tasks", "wagtail")


@contextmanager
def quiet_logs(names=CHATTY_LOGGERS, level=logging.WARNING):
    """Raise the named loggers to `level` for the duration, then put them back."""
    loggers = [logging.getLogger(name) for name in names]
    before = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, old in zip(loggers, before, strict=True):
            logger.setLevel(old)


class _Discard:
    """A stdout for a step whose lines are printed at the end instead."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass


class Command(BaseCommand):
    help = "Create the demo site, organisations, people and courses (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet=False, verbosity=1, **options):
        logins = []

        def graduate():
            logins.append(seed_graduate(before_issue=hours_demo.seed_verified_training))

        steps = [
            ("Roles and permissions", account_services.sync_role_groups),
            ("Home page", seed_site),
            ("Organisations and people", lambda: logins.extend(seed_people())),
            ("Courses", seed_courses),
            ("Quizzes", seed_quizzes),
            ("Learners' progress", seed_learning),
            ("Frameworks and credentials", seed_frameworks),
            ("Approved contact hours", seed_contact_hours),
            ("Live sessions and registers", seed_live),
            ("Practicum placements and hours", seed_practicum),
            ("Outside training waiting for a registrar", hours_demo.seed_waiting_training),
            ("A supervisor who joined by invitation", lambda: logins.append(seed_onboarding())),
            ("Signing key", ensure_signing_key),
            ("A graduate and their certificate", graduate),
            ("An exam result and continuing education to review", seed_exam_and_ce),
            ("Certifying boards, and who aims for IC&RC Peer Recovery", seed_boards),
            # Packets sit above this app: their own command, run by name.
            (
                "Board application packets",
                lambda: call_command("seed_demo_packets", verbosity=0, stdout=_Discard()),
            ),
            # Again, now that the course catalogue exists for trainers' page permissions.
            ("Trainers' page permissions", account_services.sync_role_groups),
        ]
        show = not quiet and verbosity > 0
        with quiet_logs() if verbosity < 2 else nullcontext(), transaction.atomic():
            for number, (label, step) in enumerate(steps, start=1):
                if show:
                    self.stdout.write(f"Seeding the demo ({number}/{len(steps)}): {label}")
                    self.stdout.flush()
                step()
        if quiet:
            return
        self.stdout.write(f"\nOpen {absolute_url('/')} in a browser.")
        certificate = (
            Certificate.objects.active()
            .filter(trainee__email="graduate@peerpath.example", kind=Certificate.Kind.CREDENTIAL)
            .first()
        )
        if certificate is not None:
            self.stdout.write(
                f"Demo certificate ({certificate.holder_name}): verification code "
                f"{certificate.grouped_code}\n  {certificate.verification_url}"
            )
        call_command("seed_demo_packets", codes=True, stdout=self.stdout)
        # The logins come last, so they are what a newcomer sees when the server starts.
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
