"""`{{ value|hours }}`: a number of hours as people write it (9, 9.5, 9.25), the same way
the requirement sentences write them."""

from django import template

from certification.standards.services.training import fmt

register = template.Library()


@register.filter
def hours(value) -> str:
    return fmt(value or 0)
