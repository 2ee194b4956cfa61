"""The learner's next sessions, for the dashboard and a course page, kept between requests.

Which sessions a learner may come to is one query (`permissions.sessions_for_learner`), but
building it (three subqueries) costs Django more than all of a lesson page's own queries, and
the answer changes only when a session, a cohort, a cohort's learners, an enrolment or a
trainee membership changes. Each of those bumps the "live:sessions" version (one for the
site: such changes are rare next to page views), read with the page's other versions in the
same round trip, so a change shows at once in every process. Between changes each process
keeps each learner's sessions that had not ended when it looked; time is applied when the
page is shown, so a session that ends drops off without a query."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from lms import cache as versioned

from .. import permissions

VERSION = "live:sessions"
HORIZON = 20  # sessions kept per learner; more are asked for when these run out


def sessions_changed(sender=None, **kwargs) -> None:
    """Signal receiver: something that decides who may come to which session changed."""
    versioned.bump(VERSION)


def upcoming_for(user, *, course=None, limit: int = 5) -> list:
    """Up to `limit` of the learner's sessions that have not ended, soonest first (of
    `course`, if given), with their courses: no query while nothing changed."""
    if not user.is_authenticated:
        return []
    now = timezone.now()

    def fetch():
        found = permissions.sessions_for_learner(user).upcoming(now).select_related("course")
        return list(found[:HORIZON])

    kept = versioned.kept(VERSION, ("upcoming", user.pk), fetch)
    sessions = [s for s in kept if s.ends_at > now and (course is None or s.course_id == course.pk)]
    if len(kept) == HORIZON and len(sessions) < limit:
        # The kept list was cut short, and what is left of it is not enough: ask.
        found = permissions.sessions_for_learner(user).upcoming(now)
        if course is not None:
            found = found.filter(course=course)
        return list(found.select_related("course")[:limit])
    # The kept list is the soonest of the sessions not ended when it was made, so what is
    # left of it is the soonest of those not ended now.
    return sessions[:limit]


def connect() -> None:
    """Bump the version on every change that decides who may come to a session."""
    from courses.models import Cohort, Enrolment
    from lms.accounts.models import Membership

    from ..models import LiveSession

    versioned.read_together(VERSION)
    for model in (LiveSession, Cohort, Enrolment, Membership):
        uid = f"live.upcoming.{model._meta.label_lower}"
        post_save.connect(sessions_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(sessions_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        sessions_changed, sender=Cohort.learners.through, dispatch_uid="live.upcoming.learners"
    )
