"""The learner's upcoming sessions, for the dashboard and a course page (which belong to
`courses`, below this app: a template tag joins them without an import up the layers)."""

from django import template
from django.utils import timezone

from .. import permissions

register = template.Library()


@register.inclusion_tag("live/includes/upcoming.html", takes_context=True)
def upcoming_sessions(context, course=None, limit=5):
    """Up to `limit` of the signed-in learner's next sessions (of `course`, if given): one
    query."""
    user = context["request"].user
    sessions = []
    if user.is_authenticated:
        found = permissions.sessions_for_learner(user).upcoming(timezone.now())
        if course is not None:
            found = found.filter(course=course)
        sessions = list(found.select_related("course")[:limit])
    return {"sessions": sessions, "course": course}
