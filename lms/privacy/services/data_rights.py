"""A person's data rights: everything Peerpath holds about them, as JSON and as a readable
PDF, and erasure on request.

Erasure (completed by a registrar, within `ERASURE_DAYS`) removes or anonymises personal
data and keeps only what the record needs:
- the account is anonymised (name, pronouns, email replaced; password unusable; inactive, so
  every session ends at its next request) and memberships and invitations are removed;
- reflections, content-note choices, notifications and free-text quiz answers are deleted;
- the lived-experience statement and every wellbeing check-in are deleted;
- continuing-education records no renewal counted are deleted with their evidence files;
  those a renewal counted stay as its evidence reduced to topic, hours and date (title,
  provider, evidence text and file removed);
- certificate shares still active are stopped (organisations stop watching);
- supervision notes and sign-off accounts are erased (their signed digests stay, so the
  signed record still verifies, see verify_audit_chain);
- practicum entries stay as signed, de-identified records of supervised hours, attached to
  the anonymised account;
- issued certificates are kept only as the minimal record (code, credential, dates, status,
  name as issued, the PDF's hash), hidden from public verification, without their PDF file
  or signed Open Badges copy;
- audit events keep the actor's id, which now points at the anonymised account (a pseudonym).
Lives in certification, the last app of the chain, because it reads every app's data."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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
from lms.audit.models import AuditEvent
from lms.audit.services.events import record_event

from ..exceptions import CertificationError
from ..models import (
    Attestation,
    CertificateShare,
    ContinuingEducation,
    CredentialEnrolment,
    LivedExperienceStatement,
    Notification,
    PracticumEntry,
    SignOffRequest,
    SupervisionSession,
    WellbeingCheckIn,
)

__all__ = [
    "ERASURE_DAYS",
    "DataRightsError",
    "complete_erasure",
    "personal_data",
    "pseudonym",
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


def pseudonym(user_id) -> str | None:
    """A stable stand-in for another person's account in someone's export: the same person
    always gets the same pseudonym, which says nothing about who they are without the
    server's secret."""
    if user_id is None:
        return None
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"export-person:{user_id}".encode(), hashlib.sha256
    )
    return f"person-{digest.hexdigest()[:12]}"


def _audit_events(user, subjects: dict[str, list]) -> list[dict]:
    """Audit events where the person acted or whose object is one of theirs. Other actors
    are pseudonymised; payloads hold states, codes and numbers only (see record_event)."""
    where = Q(actor_id=user.pk) | Q(object_type="accounts.user", object_id=str(user.pk))
    for object_type, ids in subjects.items():
        if ids:
            where |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    return [
        {
            "at": _iso(event.at),
            "action": event.action,
            "object": event.object_type.split(".")[-1],
            "object_id": event.object_id,
            "by": "you" if event.actor_id == user.pk else pseudonym(event.actor_id),
            "before": event.before,
            "after": event.after,
        }
        for event in AuditEvent.objects.filter(where).order_by("pk")
    ]


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
    statement = LivedExperienceStatement.objects.filter(trainee=user).first()
    checkins = list(WellbeingCheckIn.objects.for_trainee(user))
    ce_records = list(ContinuingEducation.objects.filter(holder=user).select_related("used_for"))
    shares = list(
        CertificateShare.objects.filter(certificate__trainee=user)
        .select_related("organisation", "certificate")
        .order_by("shared_at")
    )
    certificate_name = getattr(user, "certificate_name", None)
    erasures = list(user.erasure_requests.all())
    credential_enrolments = list(
        CredentialEnrolment.objects.filter(trainee=user).select_related("credential", "version")
    )
    attestations = list(Attestation.objects.filter(trainee=user))
    entries, sessions, requests = list(entries), list(sessions), list(requests)
    subjects = {
        "certification.placement": [p.pk for p in placements],
        "certification.practicumentry": [e.pk for e in entries],
        "certification.supervisionsession": [x.pk for x in sessions],
        "certification.signoffrequest": [r.pk for r in requests],
        "certification.signoffrating": [x.pk for r in requests for x in r.ratings.all()],
        "certification.certificate": list(user.certificates.values_list("pk", flat=True)),
        "certification.continuingeducation": [r.pk for r in ce_records],
        "certification.credentialenrolment": [e.pk for e in credential_enrolments],
        "certification.attestation": [a.pk for a in attestations],
        "certification.certificateshare": [x.pk for x in shares],
        "accounts.erasurerequest": [x.pk for x in erasures],
        "certification.certificatename": [certificate_name.pk] if certificate_name else [],
    }
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
                "answers": [
                    {"question": r.position, "answer": r.answer, "score": r.auto_score}
                    for r in a.responses.all()
                ],
            }
            for a in Attempt.objects.filter(user=user)
            .select_related("quiz")
            .prefetch_related("responses")
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
            for x in erasures
        ],
        "lived_experience_statement": {
            "text": statement.text,
            "shared_with_your_supervisor": statement.share_with_supervisor,
            "created_at": _iso(statement.created_at),
            "updated_at": _iso(statement.updated_at),
        }
        if statement
        else None,
        "wellbeing_checkins": [
            {
                "date": _iso(c.date),
                "energy": c.energy,
                "stress": c.stress,
                "note": c.note,
                "asked_supervisor_to_know": c.tell_supervisor,
                "recorded_at": _iso(c.created_at),
            }
            for c in checkins
        ],
        "continuing_education": [
            {
                "title": r.title,
                "provider": r.provider,
                "topic": r.topic,
                "hours": str(r.hours),
                "completed_on": _iso(r.completed_on),
                "evidence": r.evidence_text,
                "evidence_document": r.evidence_name or None,
                "counted_toward_renewal": r.used_for.grouped_code if r.used_for else None,
                "recorded_at": _iso(r.created_at),
            }
            for r in ce_records
        ],
        "credentials_you_work_toward": [
            {
                "credential": e.credential.code,
                "version": e.version.number,
                "enrolled_at": _iso(e.enrolled_at),
            }
            for e in credential_enrolments
        ],
        "consent_and_sharing": {
            "name_on_certificates": {
                "name": certificate_name.name,
                "confirmed_at": _iso(certificate_name.confirmed_at),
            }
            if certificate_name
            else None,
            "statements_you_accepted": [
                {"code": a.code, "at": _iso(a.attested_at)} for a in attestations
            ],
            "supervision_agreements": [
                {"host": p.host.name, "you_accepted": _iso(p.trainee_agreed_at)} for p in placements
            ],
            "lived_experience_statement_shared_with_supervisor": bool(
                statement and statement.share_with_supervisor
            ),
            "certificate_shares": [
                {
                    "certificate": x.certificate.grouped_code,
                    "organisation": x.organisation.name,
                    "shared_at": _iso(x.shared_at),
                    "stopped_at": _iso(x.stopped_at),
                }
                for x in shares
            ],
        },
        "audit_events": _audit_events(user, subjects),
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


def _erase_wellbeing_and_ce(person) -> dict[str, int]:
    """The statement and check-ins go entirely. CE records a renewal counted are its evidence
    (PROTECTed by the certificate), so they keep only topic, hours and date; the rest go.
    Evidence files are deleted after commit, so a rollback never loses a file still used."""
    from django.core.files.storage import default_storage

    records = list(ContinuingEducation.objects.select_for_update().filter(holder=person))
    files = [r.evidence_file.name for r in records if r.evidence_file]
    used = [r.pk for r in records if r.used_for_id]
    ContinuingEducation.objects.filter(pk__in=used).update(
        title="Erased", provider="", evidence_text="", evidence_file="", evidence_name=""
    )
    deleted = ContinuingEducation.objects.filter(holder=person, used_for__isnull=True).delete()[0]

    def delete_files():
        for name in files:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(delete_files)
    return {
        "lived_experience_statement": LivedExperienceStatement.objects.filter(
            trainee=person
        ).delete()[0],
        "wellbeing_checkins": WellbeingCheckIn.objects.filter(trainee=person).delete()[0],
        "ce_records_deleted": deleted,
        "ce_records_reduced": len(used),
        "ce_evidence_files": len(files),
    }


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
    counts.update(_erase_wellbeing_and_ce(person))
    counts["shares_stopped"] = (
        CertificateShare.objects.active()
        .filter(certificate__trainee=person)
        .update(stopped_at=timezone.now())
    )
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
