from django import template

register = template.Library()


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
