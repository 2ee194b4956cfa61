"""The learner's upcoming sessions, for the dashboard and a course page (which belong to
`courses`, below this app: a template tag joins them without an import up the layers)."""

from django import template

from ..services import upcoming

register = template.Library()


@register.inclusion_tag("live/includes/upcoming.html", takes_context=True)
def upcoming_sessions(context, course=None, limit=5):
    """Up to `limit` of the signed-in learner's next sessions (of `course`, if given): no
    query while nothing about sessions changed (`services.upcoming`)."""
    sessions = upcoming.upcoming_for(context["request"].user, course=course, limit=limit)
    return {"sessions": sessions, "course": course}
