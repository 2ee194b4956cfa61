"""Check the audit trail's hash chain and the hashes of signed records. Exit status 1 when
anything was tampered with, so it can run from cron or CI."""

from django.core.management.base import BaseCommand, CommandError

from certification.practicum.models import PracticumEntry, SignOffRating, SupervisionSession
from certification.practicum.models.supervision import text_digest
from lms.audit.services.events import verify_audit_chain


def _account_intact(rating) -> bool:
    account = rating.request.account
    return not account or text_digest(account) == rating.account_sha256


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and every signed record's content hash."

    def handle(self, *args, **options):
        problems = verify_audit_chain()
        for model in (PracticumEntry, SupervisionSession, SignOffRating):
            signed = model.objects.exclude(content_hash="")
            if model is PracticumEntry:
                signed = signed.select_related("activity").prefetch_related("domains")
            if model is SignOffRating:
                signed = signed.select_related("request")
            for record in signed.iterator(chunk_size=500):
                if record.compute_hash() != record.content_hash:
                    problems.append(
                        f"{model._meta.verbose_name} {record.pk}: its content does not match "
                        "the hash it was signed with (edited after signing)."
                    )
                elif model is SupervisionSession and not record.notes_intact():
                    problems.append(
                        f"{model._meta.verbose_name} {record.pk}: its private notes were "
                        "edited after signing."
                    )
                elif model is SignOffRating and not _account_intact(record):
                    problems.append(
                        f"{model._meta.verbose_name} {record.pk}: the account it rated was "
                        "edited after signing."
                    )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write(self.style.SUCCESS("The audit trail and signed records are intact."))
