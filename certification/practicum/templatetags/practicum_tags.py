import hashlib

from django import template
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from lms import cache as versioned

register = template.Library()

APPROVED_TEMPLATE = "certification/includes/approved_entries.html"


def approved_rows(entries) -> list[dict]:
    """Every value the table of approved entries shows, row by row (its template reads
    nothing else): the entries come from `practicum_services.placement_ledger`."""
    return [
        {
            "pk": e.pk,
            "date": e.date,
            "activity": e.activity.title,
            "corrects_date": e.corrects.date if e.corrects_id else None,
            "minutes": e.minutes,
            "signed_by": e.decided_by.display_name if e.decided_by_id else "",
            "qualification": e.signed_qualification,
            "held": e.held,
            "comment": e.decision_comment,
            "corrected": e.corrected,
            # A recorded session's entry is corrected through the session, not here.
            "correctable": getattr(e, "session", None) is None and not e.corrected,
        }
        for e in entries
    ]


@register.simple_tag
def approved_entries(placement, entries):
    """The trainee's table of approved (locked) entries, rendered once for exactly what it
    shows and kept in this process: the version is a digest of the language and every value
    of every row, so a name, a correction or a held signature that changes shows on the next
    request, and a placement keeps one table per process. Approved entries seldom change, and
    thirty rows were a quarter of the trainee's page."""
    rows = approved_rows(entries)
    language = translation.get_language()
    digest = hashlib.sha256(repr((language, placement.pk, rows)).encode()).hexdigest()

    def render():
        return get_template(APPROVED_TEMPLATE).render({"placement": placement, "rows": rows})

    html = versioned.kept("practicum:tables", ("approved", placement.pk), render, current=digest)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there
