from django import template
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from lms import cache as versioned
from lms.hours import hours_text

from ..outline import LEARNER_VERSION

register = template.Library()


@register.simple_tag(takes_context=True)
def learner_outline(context, outline, current):
    """The lesson page's outline aside (progress and the course's steps, `current` marked),
    rendered once per course tree and progress version and kept in this process: one for
    each learner and course, so it does not grow with the lessons they open."""
    request = context["request"]
    version = f"{outline.version}:{current}:{translation.get_language()}"

    def render():
        fragment = {"outline": outline, "current": current, "request": request}
        return get_template("courses/includes/lesson_outline.html").render(fragment)

    name = LEARNER_VERSION.format(user=request.user.pk)
    html = versioned.kept(name, ("lesson-outline", outline.course.pk), render, current=version)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there


@register.filter
def rank_of(answer, item_id):
    """1-based position of an item in a saved ranking (a list of ids), or in the raw form
    values sent back after an error (a dict of id to position); None when unranked."""
    if isinstance(answer, dict):
        return answer.get(item_id)
    if isinstance(answer, list) and item_id in answer:
        return answer.index(item_id) + 1
    return None


@register.filter
def get_item(mapping, key):
    """mapping[key] for dicts, None otherwise."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def percent(value):
    """A 0..1 fraction as a whole percentage."""
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return ""


@register.filter
def is_chosen(answer, option_id):
    """Whether the learner chose this option (single, multiple or with justification)."""
    if isinstance(answer, dict):
        answer = answer.get("choice")
    if isinstance(answer, list):
        return option_id in answer
    return answer == option_id


@register.filter
def hours(value):
    """Contact hours as people read them (8, 7.5, 0.25)."""
    return hours_text(value)
