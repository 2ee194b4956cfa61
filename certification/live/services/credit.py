"""How attendance turns into training hours, by the rule in settings (LIVE_CREDIT_RULE), and
what the ledger and course completion learn from signed attendance."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.hours import HoursLine, to_hours

from ..models import Attendance, LiveSession
from . import places

DEFAULT_RULE = {"round_down_to_minutes": 15, "minimum_share": "0.5"}


def rule() -> dict:
    """The partial-attendance rule: credited minutes are the minutes present rounded down to
    `round_down_to_minutes`; nothing under `minimum_share` of the session."""
    return {**DEFAULT_RULE, **getattr(settings, "LIVE_CREDIT_RULE", {})}


def rule_text() -> str:
    """The rule in words, for every page that shows credited hours."""
    current = rule()
    share = Decimal(str(current["minimum_share"]))
    return _(
        "Hours are credited for the minutes present, rounded down to the nearest "
        "%(step)s minutes; nothing is credited for less than %(share)s%% of a session."
    ) % {"step": current["round_down_to_minutes"], "share": int(share * 100)}


def credited_minutes(*, minutes_present: int, session_minutes: int) -> int:
    """Minutes credited for `minutes_present` of a session `session_minutes` long."""
    current = rule()
    step = int(current["round_down_to_minutes"])
    share = Decimal(str(current["minimum_share"]))
    minutes_present = min(minutes_present, session_minutes)
    if Decimal(minutes_present) < share * session_minutes:
        return 0
    return (minutes_present // step) * step


def line_for(attendance: Attendance) -> HoursLine:
    """The hours line of one signed attendance record (its session selected)."""
    session = attendance.session
    fraction = Decimal(attendance.credited_minutes) / Decimal(session.minutes)
    by_domain = {
        key: to_hours(Decimal(str(hours)) * fraction)
        for key, hours in session.hours_by_domain.items()
    }
    total = to_hours(Decimal(attendance.credited_minutes) / 60)
    return HoursLine(
        source="session",
        key=f"attendance:{attendance.pk}",
        title=session.title,
        on=timezone.localdate(session.starts_at),
        hours_by_domain={k: v for k, v in by_domain.items() if v},
        total=total,
        delivery=session.mode,
        face_to_face=total,
        provider=session.organisation.name,
        url=session.get_absolute_url(),
    )


def hours_lines(user_ids: list[int]) -> dict[int, list[HoursLine]]:
    """Every credited hour from signed, current attendance of these people (one query)."""
    found: dict[int, list[HoursLine]] = {}
    rows = (
        Attendance.objects.current()
        .filter(learner_id__in=user_ids, credited_minutes__gt=0)
        .select_related("session__organisation")
        .order_by("pk")
    )
    for attendance in rows:
        found.setdefault(attendance.learner_id, []).append(line_for(attendance))
    return found


def attended(user_id: int, sessions) -> set[int]:
    """Of these sessions, those the learner attended (credited attendance there, or at a
    make-up for it), by id."""
    ids = [s.pk for s in sessions]
    rows = (
        Attendance.objects.current()
        .filter(learner_id=user_id, credited_minutes__gt=0)
        .filter(Q(session_id__in=ids) | Q(makeup_for_id__in=ids))
        .values_list("session_id", "makeup_for_id")
    )
    done = set()
    for session_id, makeup_for_id in rows:
        done.add(makeup_for_id or session_id)
    return done


def missing_required_sessions(user_id: int, course_id: int) -> list[str]:
    """The required sessions of the course this learner still has to attend (or make up),
    each as a sentence. Counts the sessions they are a learner of."""
    from django.contrib.auth import get_user_model

    from .. import permissions

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return []
    required = list(
        permissions.sessions_for_learner(user)
        .filter(course_id=course_id, required=True)
        .order_by("starts_at")
    )
    done = attended(user_id, required)
    return [
        _("Attend '%(title)s' (live, %(hours)s h)") % {"title": s.title, "hours": s.hours}
        for s in required
        if s.pk not in done
    ]


def missed(user, now=None) -> list[LiveSession]:
    """Sessions of this learner that have ended with no credited attendance (there or at a
    make-up), latest first. A repeat of a module they attended is not missed: they have had
    that content. (A required session still needs its own attendance or a signed make-up:
    `missing_required_sessions`.)"""
    from .. import permissions

    now = now or timezone.now()
    past = list(permissions.sessions_for_learner(user).past(now).select_related("module"))
    done = attended(user.pk, past)
    covered = {(s.course_id, s.module_id) for s in past if s.pk in done and s.module_id}
    return [
        s
        for s in past
        if s.pk not in done and not (s.module_id and (s.course_id, s.module_id) in covered)
    ]


def makeup_options(user, sessions, now=None) -> dict[int, list[LiveSession]]:
    """For each of these (missed) sessions, by id: the upcoming sessions of the same
    provider delivering the same course and module with a place left, soonest first. One
    query, and three more when some of them have a capacity, however many sessions."""
    now = now or timezone.now()
    sessions = list(sessions)
    if not sessions:
        return {}
    delivers = Q(pk__in=[])
    for session in sessions:
        delivers |= Q(
            organisation=session.organisation_id,
            course=session.course_id,
            module=session.module_id,
        )
    upcoming = list(LiveSession.objects.upcoming(now).filter(delivers))
    taken = places.taken_many([other for other in upcoming if other.capacity is not None])
    upcoming = [other for other in upcoming if places.left(other, taken.get(other.pk, 0)) != 0]
    return {
        session.pk: [
            other
            for other in upcoming
            if other.pk != session.pk
            and (other.organisation_id, other.course_id, other.module_id)
            == (session.organisation_id, session.course_id, session.module_id)
        ]
        for session in sessions
    }
