"""A person's data rights: everything Peerpath holds about them, as JSON and as a readable
PDF, and erasure on request.

Erasure (completed by a registrar, within `ERASURE_DAYS`) removes or anonymises personal
data and keeps only what the record needs:
- the account is anonymised (name, pronouns, email replaced; password unusable; inactive, so
  every session ends at its next request) and memberships and invitations are removed;
- reflections, content-note choices, notifications and free-text quiz answers are deleted;
- supervision notes and sign-off accounts are erased (their signed digests stay, so the
  signed record still verifies, see verify_audit_chain);
- practicum entries stay as signed, de-identified records of supervised hours, attached to
  the anonymised account;
- issued certificates are kept only as the minimal record (code, credential, dates, status,
  name as issued, the PDF's hash), hidden from public verification, without their PDF file
  or signed Open Badges copy;
- audit events keep the actor's id, which now points at the anonymised account (a pseudonym).
Lives in certification, the last app of the chain, because it reads every app's data."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from courses.models import (
    ChoiceWithJustificationQuestion,
    ContentNoteChoice,
    Question,
    Reflection,
    Response,
    WrittenResponseQuestion,
)
from lms.accounts.models import ErasureRequest, Invitation, User

from ..exceptions import CertificationError
from ..models import (
    Notification,
    PracticumEntry,
    SignOffRequest,
    SupervisionSession,
)
from .audit import record_event

__all__ = [
    "ERASURE_DAYS",
    "DataRightsError",
    "complete_erasure",
    "personal_data",
    "purge_stale_data",
    "request_erasure",
    "withdraw_erasure",
]

ERASURE_DAYS = 30


class DataRightsError(CertificationError):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def _iso(value):
    return value.isoformat() if value else None


def personal_data(*, user) -> dict:
    """Everything held about the person, in plain JSON-ready values. A fixed number of
    queries whatever the amount of data."""
    from courses.models import Attempt, Enrolment, LessonProgress

    placements = list(
        user.placements.select_related("host").prefetch_related("supervisor_links__supervisor")
    )
    entries = (
        PracticumEntry.objects.filter(placement__trainee=user)
        .select_related("activity", "decided_by")
        .prefetch_related("domains")
        .order_by("date", "start_time")
    )
    sessions = SupervisionSession.objects.filter(placement__trainee=user).select_related(
        "supervisor"
    )
    requests = (
        SignOffRequest.objects.filter(placement__trainee=user)
        .select_related("competency__domain__framework")
        .prefetch_related("ratings__rater")
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "legal_name": user.legal_name,
            "preferred_name": user.preferred_name,
            "pronouns": user.pronouns,
            "joined": _iso(user.date_joined),
            "last_sign_in": _iso(user.last_login),
        },
        "memberships": [
            {"organisation": m.organisation.name, "role": m.get_role_display()}
            for m in user.memberships.select_related("organisation")
        ],
        "enrolments": [
            {
                "course": e.course.title,
                "enrolled_at": _iso(e.enrolled_at),
                "completed_at": _iso(e.completed_at),
                "withdrawn_at": _iso(e.withdrawn_at),
            }
            for e in Enrolment.objects.filter(user=user).select_related("course")
        ],
        "lessons": [
            {
                "lesson": p.lesson.title,
                "started_at": _iso(p.started_at),
                "completed_at": _iso(p.completed_at),
            }
            for p in LessonProgress.objects.filter(user=user).select_related("lesson")
        ],
        "quiz_attempts": [
            {
                "quiz": a.quiz.title,
                "number": a.number,
                "status": a.get_status_display(),
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "percent": str(a.percent) if a.percent is not None else None,
                "passed": a.passed,
            }
            for a in Attempt.objects.filter(user=user).select_related("quiz")
        ],
        "reflections": [
            {
                "lesson": r.lesson.title,
                "prompt": r.prompt,
                "text": r.text,
                "updated_at": _iso(r.updated_at),
            }
            for r in Reflection.objects.filter(user=user).select_related("lesson")
        ],
        "placements": [
            {
                "host": p.host.name,
                "starts_on": _iso(p.starts_on),
                "ends_on": _iso(p.ends_on),
                "credential": p.credential_code,
                "you_accepted_the_agreement": _iso(p.trainee_agreed_at),
                "supervisors": [
                    {"name": link.supervisor.display_name, "qualification": link.qualification}
                    for link in p.supervisor_links.all()
                ],
            }
            for p in placements
        ],
        "practicum_entries": [
            {
                "date": _iso(e.date),
                "start_time": _iso(e.start_time),
                "minutes": e.minutes,
                "setting": e.get_setting_display(),
                "activity": e.activity.title,
                "domains": [d.title for d in e.domains.all()],
                "description": e.description,
                "status": e.get_status_display(),
                "decided_by": e.decided_by.display_name if e.decided_by else None,
                "comment": e.decision_comment,
            }
            for e in entries
        ],
        "supervision_sessions": [
            {
                "kind": s.get_kind_display(),
                "date": _iso(s.date),
                "minutes": s.minutes,
                "supervisor": s.supervisor.display_name,
                "private_notes": s.private_notes,
            }
            for s in sessions
        ],
        "competency_signoffs": [
            {
                "competency": f"{r.competency.domain.framework.slug}/{r.competency.code}",
                "your_account": r.account,
                "ratings": [
                    {
                        "rating": x.get_rating_display(),
                        "rater": x.rater.display_name,
                        "comment": x.comment,
                        "at": _iso(x.created_at),
                    }
                    for x in r.ratings.all()
                ],
            }
            for r in requests
        ],
        "certificates": [
            {
                "credential": c.credential_title,
                "code": c.grouped_code,
                "status": c.get_status_display(),
                "issued_on": _iso(c.issued_on),
                "expires_on": _iso(c.expires_on),
                "name_on_certificate": c.holder_name,
                "verification_url": c.verification_url,
                "hidden_from_public_checks": c.hidden,
            }
            for c in user.certificates.all()
        ],
        "notifications": [
            {"message": n.message, "at": _iso(n.created_at)} for n in user.notifications.all()
        ],
        "erasure_requests": [
            {"requested_at": _iso(x.requested_at), "status": x.get_status_display()}
            for x in user.erasure_requests.all()
        ],
    }


@transaction.atomic
def request_erasure(*, user) -> ErasureRequest:
    """Ask for erasure; a second request while one is open returns the open one."""
    open_request = user.erasure_requests.filter(status=ErasureRequest.Status.OPEN).first()
    if open_request:
        return open_request
    request = ErasureRequest.objects.create(
        user=user, due_by=timezone.localdate() + timedelta(days=ERASURE_DAYS)
    )
    record_event(
        actor=user, action="erasure.requested", obj=request, after={"due_by": request.due_by}
    )
    return request


@transaction.atomic
def withdraw_erasure(*, user) -> bool:
    request = (
        user.erasure_requests.select_for_update().filter(status=ErasureRequest.Status.OPEN).first()
    )
    if request is None:
        return False
    request.status = ErasureRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    record_event(actor=user, action="erasure.withdrawn", obj=request)
    return True


def _minimal_certificates(person) -> int:
    """Issued certificates stay only as the minimal record: code, credential, dates, status,
    the name as issued and the PDF's hash (so a registrar can still answer "was this issued?").
    They are hidden from public verification, their PDF files are deleted and the signed Open
    Badges copy (which repeats the name) is dropped; the status-list bit stays."""
    from django.core.files.storage import default_storage

    from ..models import Certificate

    certificates = list(Certificate.objects.select_for_update().filter(trainee=person))
    for certificate in certificates:
        if certificate.pdf and default_storage.exists(certificate.pdf.name):
            default_storage.delete(certificate.pdf.name)
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        hidden=True, pdf="", signed_credential={}
    )
    from ..signals import certificate_changed

    for certificate in certificates:  # so caches of the public record forget it at once
        certificate.hidden = True
        certificate_changed.send(sender=Certificate, certificate=certificate, change="hidden")
    return len(certificates)


@transaction.atomic
def complete_erasure(*, registrar, request_id: int) -> ErasureRequest:
    """Carry out an open erasure request (see the module docstring for what is kept)."""
    request = (
        ErasureRequest.objects.select_for_update()
        .select_related("user")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise DataRightsError("We could not find that request.", status=404)
    if request.status != ErasureRequest.Status.OPEN:
        raise DataRightsError("This request is not open (already completed or withdrawn).", 409)
    if request.user_id == registrar.pk:
        raise DataRightsError("Another registrar must complete your own erasure request.", 403)
    person = User.objects.select_for_update().get(pk=request.user_id)
    old_email = person.email
    counts = {
        "reflections": Reflection.objects.filter(user=person).delete()[0],
        "content_note_choices": ContentNoteChoice.objects.filter(user=person).delete()[0],
        "notifications": Notification.objects.filter(recipient=person).delete()[0],
        "memberships": person.memberships.all().delete()[0],
        "invitations": Invitation.objects.filter(email__iexact=old_email).delete()[0],
        "free_text_answers": Response.objects.filter(
            attempt__user=person,
            question__in=Question.objects.instance_of(
                WrittenResponseQuestion, ChoiceWithJustificationQuestion
            ),
        ).update(answer=None),
        "supervision_notes": SupervisionSession.objects.filter(placement__trainee=person)
        .exclude(private_notes="")
        .update(private_notes=""),
        "signoff_accounts": SignOffRequest.objects.filter(placement__trainee=person)
        .exclude(account="")
        .update(account=""),
    }
    counts["certificates_hidden"] = _minimal_certificates(person)
    person.email = f"erased-{person.pk}@erased.invalid"
    person.legal_name = "Erased person"
    person.preferred_name = ""
    person.pronouns = ""
    person.is_active = False
    person.set_unusable_password()
    person.save()
    request.status = ErasureRequest.Status.COMPLETED
    request.completed_at, request.completed_by = timezone.now(), registrar
    request.save(update_fields=["status", "completed_at", "completed_by"])
    record_event(actor=registrar, action="erasure.completed", obj=request, after=counts)
    return request


def purge_stale_data(*, today=None) -> dict[str, int]:
    """Retention: delete what nobody will come back for. Practicum drafts untouched for
    `PEERPATH_RETENTION_DAYS`, invitations that expired that long ago, and accounts that were
    registered but never signed in and hold nothing (no enrolment, placement or certificate).
    Run weekly by celery beat; safe to run any time."""
    from django.conf import settings

    from lms.accounts.models import Invitation

    now = timezone.now()
    cutoff = now - timedelta(days=settings.PEERPATH_RETENTION_DAYS)
    with transaction.atomic():
        drafts = PracticumEntry.objects.filter(
            status=PracticumEntry.Status.DRAFT, created_at__lt=cutoff, content_hash=""
        )
        draft_count = 0
        for draft in drafts.select_related("activity"):
            record_event(
                actor=None,
                action="entry.purged",
                obj=draft,
                before={"status": draft.status, "date": draft.date, "minutes": draft.minutes},
            )
            draft.domains.clear()
            draft.delete()
            draft_count += 1
        invitations = Invitation.objects.filter(
            expires_at__lt=cutoff, accepted_at__isnull=True
        ).delete()[0]
        never_used = (
            User.objects.filter(
                last_login__isnull=True,
                date_joined__lt=cutoff,
                is_staff=False,
                is_superuser=False,
            )
            .filter(enrolments__isnull=True, placements__isnull=True, memberships__isnull=True)
            .exclude(erasure_requests__isnull=False)
        )
        accounts = 0
        for user in never_used:
            user.delete()
            accounts += 1
    return {"drafts": draft_count, "invitations": invitations, "accounts": accounts}
