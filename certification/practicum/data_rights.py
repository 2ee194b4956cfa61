"""The practicum's part of a person's data (see lms/privacy/registry.py): placements, the
hours ledger, supervision sessions, sign-offs and notifications.

Erasure: notifications go; supervision notes and sign-off accounts are erased (their signed
digests stay, so the signed record still verifies, see verify_audit_chain); practicum entries
stay as signed, de-identified records of supervised hours. Retention purges practicum drafts
never signed; a placement keeps an account in use."""

from lms.audit.services.events import record_event
from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import Notification, PracticumEntry, SignOffRequest, SupervisionSession


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


def erase(person) -> dict[str, int]:
    return {
        "notifications": Notification.objects.filter(recipient=person).delete()[0],
        "supervision_notes": SupervisionSession.objects.filter(placement__trainee=person)
        .exclude(private_notes="")
        .update(private_notes=""),
        "signoff_accounts": SignOffRequest.objects.filter(placement__trainee=person)
        .exclude(account="")
        .update(account=""),
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
