"""The trainee's wellbeing space: saving their lived-experience statement and recording
self-care check-ins. Nothing here is audited or logged with its content: the text is the
trainee's own and is never written anywhere but its encrypted field."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import WellbeingError
from ..models import LivedExperienceStatement, WellbeingCheckIn

__all__ = [
    "SUPPORT_FLAG_DAYS",
    "delete_checkin",
    "record_checkin",
    "save_statement",
    "support_requests_for_supervisor",
]

# How long a "tell my supervisor" flag stays on the supervise page.
SUPPORT_FLAG_DAYS = 14


@transaction.atomic
def save_statement(*, trainee, text: str, share_with_supervisor: bool) -> LivedExperienceStatement:
    """Create or replace the trainee's one statement (validated before it is saved)."""
    statement = LivedExperienceStatement.objects.select_for_update().filter(
        trainee=trainee
    ).first() or LivedExperienceStatement(trainee=trainee)
    statement.text = text.strip()
    statement.share_with_supervisor = bool(share_with_supervisor)
    statement.full_clean()
    statement.save()
    return statement


@transaction.atomic
def record_checkin(
    *, trainee, on: date, energy: int, stress: int, note: str = "", tell_supervisor: bool = False
) -> WellbeingCheckIn:
    """Record one check-in. Dates in the future are refused (a check-in is about now)."""
    if on > timezone.localdate():
        raise WellbeingError(_("A check-in cannot be dated in the future."))
    checkin = WellbeingCheckIn(
        trainee=trainee,
        date=on,
        energy=energy,
        stress=stress,
        note=(note or "").strip(),
        tell_supervisor=bool(tell_supervisor),
    )
    checkin.full_clean()
    checkin.save()
    return checkin


@transaction.atomic
def delete_checkin(*, trainee, checkin_id: int) -> bool:
    """The trainee removes one of their own check-ins; False when there is no such one."""
    return WellbeingCheckIn.objects.filter(trainee=trainee, pk=checkin_id).delete()[0] > 0


def support_requests_for_supervisor(*, placement, today=None):
    """What the placement's supervisor may see of the trainee's wellbeing: the dates of recent
    check-ins where the trainee asked for them to know they are struggling (never the scores
    or the note), and the statement if the trainee shares it. Callers must already have
    checked that the user supervises this placement now."""
    today = today or timezone.localdate()
    since = max(placement.starts_on, today - timedelta(days=SUPPORT_FLAG_DAYS))
    flagged = list(
        WellbeingCheckIn.objects.filter(trainee_id=placement.trainee_id)
        .asking_for_support(since=since)
        .order_by("-date")
        .values_list("date", flat=True)
    )
    statement = LivedExperienceStatement.objects.filter(
        trainee_id=placement.trainee_id, share_with_supervisor=True
    ).exclude(text="")
    return {"support_dates": flagged, "shared_statement": statement.first()}
