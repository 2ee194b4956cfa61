"""The practicum's part of a person's data (see lms/privacy/registry.py): placements, the
hours ledger, supervision sessions, sign-offs and notifications.

Erasure: notifications go; supervision notes and sign-off accounts are erased (their signed
digests stay, so the signed record still verifies, see verify_audit_chain); practicum entries
stay as signed, de-identified records of supervised hours. Retention purges practicum drafts
never signed; a placement keeps an account in use."""

from lms.audit.services.events import record_event
from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import (
    Notification,
    PracticumEntry,
    SignOffRequest,
    SupervisionSession,
    SupervisorInvitation,
)


def _invitations_of(user):
    """Supervisor invitations sent to the person, and those naming them as the trainee."""
    from django.db.models import Q

    return SupervisorInvitation.objects.filter(
        Q(email__iexact=user.email) | Q(accepted_by=user) | Q(trainee=user)
    ).select_related("host")


def export(user) -> registry.Export:
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
    entries, sessions, requests = list(entries), list(sessions), list(requests)
    return registry.Export(
        sections={
            "placements": [
                {
                    "host": p.host.name,
                    "starts_on": iso(p.starts_on),
                    "ends_on": iso(p.ends_on),
                    "credential": p.credential_code,
                    "you_accepted_the_agreement": iso(p.trainee_agreed_at),
                    "supervisors": [
                        {"name": link.supervisor.display_name, "qualification": link.qualification}
                        for link in p.supervisor_links.all()
                    ],
                }
                for p in placements
            ],
            "practicum_entries": [
                {
                    "date": iso(e.date),
                    "start_time": iso(e.start_time),
                    "minutes": e.minutes,
                    "setting": e.get_setting_display(),
                    "activity": e.activity.title,
                    "domains": [d.title for d in e.domains.all()],
                    "description": e.description,
                    "status": e.get_status_display(),
                    "decided_by": e.decided_by.display_name if e.decided_by else None,
                    "comment": e.decision_comment,
                    "your_reply": e.trainee_reply,
                }
                for e in entries
            ],
            "supervision_sessions": [
                {
                    "kind": s.get_kind_display(),
                    "date": iso(s.date),
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
                            "at": iso(x.created_at),
                        }
                        for x in r.ratings.all()
                    ],
                }
                for r in requests
            ],
            "notifications": [
                {"message": n.message, "at": iso(n.created_at)} for n in user.notifications.all()
            ],
            "supervisor_invitations": [
                {
                    "host": i.host.name,
                    "supervisor": i.name,
                    "supervisor_email": i.email,
                    "role_there": i.job_role,
                    "qualification": i.qualification,
                    "qualification_expires": iso(i.qualification_expires),
                    "trainee_email": i.trainee_email,
                    "placement": f"{iso(i.starts_on)} to {iso(i.ends_on)}",
                    "accepted": iso(i.accepted_at),
                }
                for i in _invitations_of(user)
            ],
        },
        consent={
            "supervision_agreements": [
                {"host": p.host.name, "you_accepted": iso(p.trainee_agreed_at)} for p in placements
            ],
        },
        subjects={
            "certification.placement": [p.pk for p in placements],
            "certification.practicumentry": [e.pk for e in entries],
            "certification.supervisionsession": [x.pk for x in sessions],
            "certification.signoffrequest": [r.pk for r in requests],
            "certification.signoffrating": [x.pk for r in requests for x in r.ratings.all()],
        },
    )


def _erase_invitations(person) -> int:
    """Invitations not accepted go; accepted ones the person answered keep only what the
    placement's signed record relies on (the qualification as signed), not the name, role
    or the uploaded copy."""
    invitations = _invitations_of(person)
    count = invitations.filter(accepted_at__isnull=True).delete()[0]
    for invitation in invitations.filter(accepted_by=person):
        if invitation.qualification_file:
            invitation.qualification_file.delete(save=False)
        invitation.name, invitation.job_role = "", ""
        invitation.email = f"erased-{person.pk}@erased.invalid"
        invitation.save(update_fields=["name", "job_role", "email", "qualification_file"])
        count += 1
    return count


def erase(person) -> dict[str, int]:
    return {
        "supervisor_invitations": _erase_invitations(person),
        "notifications": Notification.objects.filter(recipient=person).delete()[0],
        "supervision_notes": SupervisionSession.objects.filter(placement__trainee=person)
        .exclude(private_notes="")
        .update(private_notes=""),
        "signoff_accounts": SignOffRequest.objects.filter(placement__trainee=person)
        .exclude(account="")
        .update(account=""),
        # Replies to returned entries are the trainee's own words, not part of a signed record.
        "practicum_replies": PracticumEntry.objects.filter(placement__trainee=person)
        .exclude(trainee_reply="")
        .update(trainee_reply=""),
    }


def purge(cutoff) -> dict[str, int]:
    """Practicum drafts untouched since `cutoff` (never signed), each with an audit event."""
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
    return {"drafts": draft_count}


registry.register(
    "practicum", export=export, erase=erase, purge=purge, keeps_account=("placements",)
)
