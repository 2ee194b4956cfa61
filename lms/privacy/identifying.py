"""Spotting identifying details in practicum descriptions, which must be de-identified.

Deliberately simple and explainable: it catches the common slips (a name after "client",
a phone number, an email address, a date of birth) and says which, so the trainee can fix the
text; it is a guard, not a guarantee."""

import re

from django.utils.translation import gettext as _

ROLE_WORDS = r"(?:client|service user|participant|patient|peer|resident|person)"
PATTERNS = [
    (
        re.compile(rf"\b{ROLE_WORDS}\s+(?:called\s+|named\s+)?[A-Z][a-z]{{2,}}\b"),
        _("a name after “client” or a similar word"),
    ),
    (re.compile(r"(?:\+?\d[\s().-]?){9,}\d"), _("a phone number")),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), _("an email address")),
    (re.compile(r"\b(?:born|d\.?o\.?b\.?|date of birth)\b", re.I), _("a date of birth")),
    (
        re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b"),
        _("a full date that could be a date of birth"),
    ),
]


def identifying_details(text: str) -> list[str]:
    """Descriptions of the identifying details found in the text (empty when none)."""
    return [label for pattern, label in PATTERNS if pattern.search(text or "")]
