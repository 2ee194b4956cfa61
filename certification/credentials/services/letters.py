"""Eligibility letters: when a person meets a credential's requirements other than its exam,
Peerpath states so in a letter they send to the board that sets the exam. The letter is a
snapshot (requirement lines with numbers, never lived-experience text) with a verification
code; issuing and withdrawing are audited, and the public check shows a withdrawal."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.exams import catalogue as exam_catalogue
from lms.audit.services.events import record_event

from .. import pdf
from ..exceptions import CredentialError, NameNotConfirmedError, NotEligibleError
from ..models import CertificateName, EligibilityLetter
from ..permissions import can_manage_certificates
from . import codes
from .certificates import _template_for
from .credentials import Eligibility, check_eligibility

__all__ = [
    "LetterCheck",
    "find_letter",
    "issue_eligibility_letter",
    "letter_check",
    "letter_pdf",
    "withdraw_eligibility_letter",
]


@dataclass
class LetterCheck:
    """Whether a letter can be issued for a credential: every requirement but the exam."""

    eligibility: Eligibility
    exam_key: str

    @property
    def offered(self) -> bool:
        return bool(self.exam_key)

    @property
    def before_exam(self) -> list:
        return [r for r in self.eligibility.requirements if r.kind != "exam"]

    @property
    def missing(self) -> list:
        return [r for r in self.before_exam if not r.met]

    @property
    def ready(self) -> bool:
        return self.offered and not self.missing


def letter_check(*, trainee, credential_code: str) -> LetterCheck:
    """Read-only: the credential's eligibility and what a letter would state."""
    eligibility = check_eligibility(trainee=trainee, credential_code=credential_code)
    return LetterCheck(eligibility=eligibility, exam_key=eligibility.version.exam_required)


def _line(requirement) -> dict:
    """A checklist line as the letter states it: "Code of ethics: attested" reads once, not
    as "Code of ethics: Code of ethics: attested"."""
    label = str(requirement.label)
    return {"label": label, "detail": requirement.detail.removeprefix(f"{label}: ")}


@transaction.atomic
def issue_eligibility_letter(*, actor, trainee, credential_code: str) -> EligibilityLetter:
    """Issue the letter (the person, or a registrar for them), or return the standing one
    for the same rules version. Refused, with what is missing, until every requirement but
    the exam is met and the name for certificates is confirmed."""
    if actor.pk != trainee.pk and not can_manage_certificates(actor):
        raise CredentialError(_("We could not find that credential."), status=404)
    check = letter_check(trainee=trainee, credential_code=credential_code)
    version = check.eligibility.version
    if not check.offered:
        raise CredentialError(
            _("%(title)s has no exam, so there is no eligibility letter for it.")
            % {"title": version.title},
            status=409,
        )
    existing = EligibilityLetter.objects.standing().filter(
        trainee=trainee, credential_version=version
    )
    if existing.exists():
        return existing.get()
    if check.missing:
        raise NotEligibleError(
            _("Not yet: %(missing)s.") % {"missing": "; ".join(r.detail for r in check.missing)}
        )
    name = CertificateName.objects.filter(user=trainee).first()
    if name is None:
        raise NameNotConfirmedError(
            _("Confirm your name as it should appear on your certificates and letters first.")
        )
    exam = exam_catalogue.exam_for(check.exam_key)
    letter = EligibilityLetter(
        trainee=trainee,
        credential_version=version,
        exam_key=check.exam_key,
        board=exam.board if exam else "",
        exam_name=exam.name if exam else check.exam_key,
        credential_title=version.title,
        holder_name=name.name,
        requirements=[_line(r) for r in check.before_exam],
        verification_code=codes.generate_verification_code(),
        issued_by=actor,
    )
    letter.full_clean()
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:  # issued by a second request at the same moment
        return EligibilityLetter.objects.standing().get(trainee=trainee, credential_version=version)
    record_event(
        actor=actor,
        action="eligibility_letter.issued",
        obj=letter,
        after={
            "trainee": trainee.pk,
            "credential": version.credential.code,
            "version": version.number,
            "exam": letter.exam_key,
        },
    )
    return letter


@transaction.atomic
def withdraw_eligibility_letter(*, registrar, letter_id: int, reason: str) -> EligibilityLetter:
    """A registrar withdraws a letter (with a reason, kept for registrars); the public check
    then says it was withdrawn and when."""
    if not can_manage_certificates(registrar):
        raise CredentialError(_("Only a registrar can withdraw a letter."), status=403)
    reason = " ".join((reason or "").split())
    if not reason:
        message = _("Say why the letter is withdrawn.")
        raise CredentialError(message, fields={"reason": [message]})
    letter = EligibilityLetter.objects.select_for_update().filter(pk=letter_id).first()
    if letter is None:
        raise CredentialError(_("We could not find that letter."), status=404)
    if letter.withdrawn_at is not None:
        raise CredentialError(_("This letter has already been withdrawn."), status=409)
    letter.withdrawn_at = timezone.now()
    letter.withdrawn_by = registrar
    letter.withdraw_reason = reason[:500]
    letter.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record_event(
        actor=registrar,
        action="eligibility_letter.withdrawn",
        obj=letter,
        before={"withdrawn": False},
        after={"withdrawn": True},
    )
    return letter


def letter_pdf(letter: EligibilityLetter) -> bytes:
    """The letter as a tagged PDF (rendered on request from its snapshot)."""
    template = _template_for(letter.credential_version.credential)
    return pdf.render_letter_pdf(
        letter, issuing_organisation=template.issuing_organisation if template else "Peerpath"
    )


def find_letter(text) -> EligibilityLetter | None:
    """The letter a typed or scanned code points at, or None. One query."""
    code = codes.normalise_code(text)
    if code is None:
        return None
    return EligibilityLetter.objects.filter(verification_code=code).first()
