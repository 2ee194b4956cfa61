"""Places at a session: the room (or call) holds `capacity` people, when the trainer set one.

A session's places are taken by its learners (the cohort, or for an open session the
provider's trainees on the course) and by the make-ups recorded at it. Scheduling refuses a
cohort larger than the capacity (an open session is a drop-in: the register says how many
may come against how many the room holds); a make-up is refused at a full session; a
learner is only offered make-ups at sessions with a place left. Counted in three queries for
any number of sessions, so lists stay flat."""

from __future__ import annotations

from django.db.models import Count

from courses.models import Cohort, Enrolment
from lms.accounts.models import Membership

from ..models import Attendance


def taken_many(sessions) -> dict[int, int]:
    """{session id: places taken} for these sessions (saved ones)."""
    sessions = list(sessions)
    if not sessions:
        return {}
    by_cohort = _cohort_learners({s.cohort_id for s in sessions if s.cohort_id})
    by_course = _open_learners(
        {(s.course_id, s.organisation_id) for s in sessions if not s.cohort_id}
    )
    makeups = dict(
        Attendance.objects.current()
        .filter(session__in=[s.pk for s in sessions], makeup_for__isnull=False)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    return {
        s.pk: (
            by_cohort.get(s.cohort_id, 0)
            if s.cohort_id
            else by_course.get((s.course_id, s.organisation_id), 0)
        )
        + makeups.get(s.pk, 0)
        for s in sessions
    }


def _cohort_learners(cohort_ids: set[int]) -> dict[int, int]:
    """{cohort id: its active learners}."""
    if not cohort_ids:
        return {}
    return dict(
        Cohort.learners.through.objects.filter(cohort_id__in=cohort_ids, user__is_active=True)
        .values("cohort_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("cohort_id", "n")
    )


def _open_learners(keys: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """{(course id, provider id): active trainees of the provider enrolled on the course}."""
    if not keys:
        return {}
    counts: dict[tuple[int, int], int] = {}
    rows = (
        Enrolment.objects.active()
        .filter(
            course_id__in={course for course, _provider in keys},
            user__is_active=True,
            user__memberships__role=Membership.Role.TRAINEE,
            user__memberships__organisation_id__in={provider for _course, provider in keys},
        )
        .values_list("course_id", "user__memberships__organisation_id", "user_id")
        .distinct()
    )
    for course_id, provider_id, _user in rows:
        if (course_id, provider_id) in keys:
            counts[(course_id, provider_id)] = counts.get((course_id, provider_id), 0) + 1
    return counts


def expected(*, cohort_id: int | None, course_id: int, organisation_id: int) -> int:
    """How many learners a session would have, before it is scheduled."""
    if cohort_id:
        return _cohort_learners({cohort_id}).get(cohort_id, 0)
    return _open_learners({(course_id, organisation_id)}).get((course_id, organisation_id), 0)


def summary(session) -> dict | None:
    """Places taken, the capacity and how far over it (negative: places left), for a
    session with a capacity; None without one."""
    if session.capacity is None:
        return None
    taken = taken_many([session])[session.pk]
    return {"taken": taken, "capacity": session.capacity, "over": taken - session.capacity}


def left(session, taken: int) -> int | None:
    """Places left (never below 0), or None when the session has no capacity."""
    if session.capacity is None:
        return None
    return max(session.capacity - taken, 0)


def is_full(session) -> bool:
    if session.capacity is None:
        return False
    return taken_many([session])[session.pk] >= session.capacity
