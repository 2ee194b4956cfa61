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
What each app holds comes from the registry each app contributes to (`registry.py`; each
app's `data_rights.py`); this module holds the account's part and puts the parts together."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import ErasureRequest, Invitation, User
from lms.audit.models import AuditEvent
from lms.audit.services.events import record_event

from .. import registry
from ..exceptions import DataRightsError

__all__ = [
    "ERASURE_DAYS",
    "complete_erasure",
    "erasure_preview",
    "iso",
    "personal_data",
    "pseudonym",
    "purge_stale_data",
    "request_erasure",
    "withdraw_erasure",
]

ERASURE_DAYS = 30


def iso(value):
    """A date or time as ISO 8601 text, or None."""
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
            "at": iso(event.at),
            "action": event.action,
            "object": event.object_type.split(".")[-1],
            "object_id": event.object_id,
            "by": "you" if event.actor_id == user.pk else pseudonym(event.actor_id),
            "before": event.before,
            "after": event.after,
        }
        for event in AuditEvent.objects.filter(where).order_by("pk")
    ]


# The export's layout: its sections in this order (a section no app contributes is left
# out; one not listed here comes after these), and the keys under "consent and sharing".
SECTIONS = (
    "profile",
    "memberships",
    "enrolments",
    "lessons",
    "quiz_attempts",
    "reflections",
    "placements",
    "practicum_entries",
    "supervision_sessions",
    "competency_signoffs",
    "certificates",
    "notifications",
    "erasure_requests",
    "lived_experience_statement",
    "wellbeing_checkins",
    "continuing_education",
    "exam_results",
    "eligibility_letters",
    "credentials_you_work_toward",
)
CONSENT = (
    "name_on_certificates",
    "statements_you_accepted",
    "supervision_agreements",
    "lived_experience_statement_shared_with_supervisor",
    "certificate_shares",
)


def _ordered(values: dict, order: tuple) -> dict:
    rank = {key: i for i, key in enumerate(order)}
    return dict(sorted(values.items(), key=lambda item: rank.get(item[0], len(order))))


def _account_export(user) -> registry.Export:
    """What the accounts app holds: the profile, memberships and erasure requests."""
    erasures = list(user.erasure_requests.all())
    return registry.Export(
        sections={
            "profile": {
                "email": user.email,
                "legal_name": user.legal_name,
                "preferred_name": user.preferred_name,
                "pronouns": user.pronouns,
                "joined": iso(user.date_joined),
                "last_sign_in": iso(user.last_login),
            },
            "memberships": [
                {"organisation": m.organisation.name, "role": m.get_role_display()}
                for m in user.memberships.select_related("organisation")
            ],
            "erasure_requests": [
                {"requested_at": iso(x.requested_at), "status": x.get_status_display()}
                for x in erasures
            ],
        },
        subjects={"accounts.erasurerequest": [x.pk for x in erasures]},
    )


def personal_data(*, user) -> dict:
    """Everything held about the person, in plain JSON-ready values: the accounts app's part
    and every registered app's. A fixed number of queries whatever the amount of data."""
    parts = [_account_export(user)]
    parts += [c.export(user) for c in registry.contributions() if c.export]
    sections, consent, subjects = {}, {}, {}
    for part in parts:
        sections.update(part.sections)
        consent.update(part.consent)
        subjects.update(part.subjects)
    return {
        "exported_at": timezone.now().isoformat(),
        **_ordered(sections, SECTIONS),
        "consent_and_sharing": _ordered(consent, CONSENT),
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


def erasure_preview(*, request_id: int) -> tuple[ErasureRequest, list[str]]:
    """An open erasure request and what completing it will do, said plainly for the
    registrar who confirms it: the account's part, then each app's (`preview` in the
    registry). Read-only."""
    request = ErasureRequest.objects.select_related("user").filter(pk=request_id).first()
    if request is None:
        raise DataRightsError(_("We could not find that request."), status=404)
    if request.status != ErasureRequest.Status.OPEN:
        raise DataRightsError(_("This request is not open (already completed or withdrawn)."), 409)
    lines = [
        _(
            "The account is anonymised and closed: name, pronouns and email address are "
            "replaced, the password stops working and every session ends. Memberships and "
            "invitations are removed."
        ),
        _(
            "Reflections, notes, wellbeing check-ins, the lived-experience statement and "
            "free-text answers are deleted. Practicum entries stay as signed, de-identified "
            "records of supervised hours."
        ),
    ]
    for contribution in reversed(registry.contributions()):
        if contribution.preview:
            lines += contribution.preview(request.user)
    lines.append(_("Erasure cannot be undone."))
    return request, lines


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
        raise DataRightsError(_("We could not find that request."), status=404)
    if request.status != ErasureRequest.Status.OPEN:
        raise DataRightsError(_("This request is not open (already completed or withdrawn)."), 409)
    if request.user_id == registrar.pk:
        raise DataRightsError(_("Another registrar must complete your own erasure request."), 403)
    person = User.objects.select_for_update().get(pk=request.user_id)
    old_email = person.email
    counts = {}
    # Latest app first: an app clears what points at a lower app's rows before that one
    # reduces them (organisations stop watching before certificates are hidden).
    for contribution in reversed(registry.contributions()):
        if contribution.erase:
            counts.update(contribution.erase(person))
    counts["memberships"] = person.memberships.all().delete()[0]
    counts["invitations"] = Invitation.objects.filter(email__iexact=old_email).delete()[0]
    counts["passkeys"] = person.passkeys.all().delete()[0]
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
    """Retention: delete what nobody will come back for. What each app registered (practicum
    drafts untouched for `PEERPATH_RETENTION_DAYS`), invitations that expired that long ago,
    and accounts that were registered but never signed in and hold nothing (no membership,
    nor anything an app says keeps an account in use). Run weekly by celery beat; safe to run
    any time."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.PEERPATH_RETENTION_DAYS)
    counts = {}
    with transaction.atomic():
        for contribution in registry.contributions():
            if contribution.purge:
                counts.update(contribution.purge(cutoff))
        counts["invitations"] = Invitation.objects.filter(
            expires_at__lt=cutoff, accepted_at__isnull=True
        ).delete()[0]
        in_use = {"memberships__isnull": True}
        for contribution in registry.contributions():
            in_use |= {f"{name}__isnull": True for name in contribution.keeps_account}
        never_used = (
            User.objects.filter(
                last_login__isnull=True,
                date_joined__lt=cutoff,
                is_staff=False,
                is_superuser=False,
            )
            .filter(**in_use)
            .exclude(erasure_requests__isnull=False)
        )
        accounts = 0
        for user in never_used:
            user.delete()
            accounts += 1
    counts["accounts"] = accounts
    return counts
