import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

APPROVED_TEMPLATE = "certification/includes/approved_entries.html"
# A table is read again while its trainee keeps coming back; one not asked for in a day is
# dropped (the shared cache evicts the least used first anyway).
APPROVED_SECONDS = 24 * 60 * 60


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
    shows and kept in the shared cache (so every node reads it, and memory is Redis's to
    bound): the key is a digest of the language and every value of every row, so a name, a
    correction or a held signature that changes is a new key, shown on the next request.
    Approved entries seldom change, and thirty rows were a quarter of the trainee's page."""
    rows = approved_rows(entries)
    language = translation.get_language()
    digest = hashlib.sha256(repr((language, placement.pk, rows)).encode()).hexdigest()
    key = f"practicum:approved:{digest}"
    html = cache.get(key)
    if html is None:
        html = get_template(APPROVED_TEMPLATE).render({"placement": placement, "rows": rows})
        cache.set(key, html, APPROVED_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there
