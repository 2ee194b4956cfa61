"""How far a placement has come toward its credential, as the trainee's placement page and
the supervisor's trainee page show it: a bar per requirement of the credential version the
trainee is assessed against, hours by domain, and the competencies still to be signed off.
Reads only what `practicum.placement_ledger` and `supervision.placement_signoffs` read,
plus the kept standards (no query when they are warm)."""

from django.utils.translation import gettext as _

from certification.standards.services import frameworks
from certification.standards.services.training import progress_percent
from lms.hours import hours_text as plain_hours_text

# The domains practicum hours are logged against (IC&RC's peer recovery domains).
LEDGER_DOMAIN_FRAMEWORK = "icrc-pr"


def placement_progress(rules, ledger, achieved) -> dict:
    """Bars toward the credential (over all the trainee's placements for it) and this
    placement's own totals, against `rules`, those of the version of the credential the
    trainee is assessed against (the one eligibility uses)."""
    totals, here = ledger.credential, ledger.here
    required = frameworks.competencies_in_order(rules.competency_signoffs)
    hours = totals["minutes"] / 60
    share = totals["direct_minutes"] / totals["minutes"] if totals["minutes"] else 0
    bars = []

    def bar(label, done, target, text):
        met = done >= target
        percent = progress_percent(done, target, met=met)
        bars.append({"label": label, "percent": percent, "text": text, "met": met})

    if rules.experience_hours:
        bar(
            _("Practicum hours"),
            hours,
            rules.experience_hours,
            _("%(done)s of %(target)s hours")
            % {"done": hours_text(hours), "target": hours_text(rules.experience_hours)},
        )
    if rules.direct_service_share_min:
        bar(
            _("Direct service share"),
            share,
            rules.direct_service_share_min,
            _("%(done)s%% direct service (at least %(target)s%%)")
            % {"done": round(100 * share), "target": round(100 * rules.direct_service_share_min)},
        )
    if rules.supervision_hours:
        supervision = totals["supervision_minutes"] / 60
        bar(
            _("Supervision hours"),
            supervision,
            rules.supervision_hours,
            _("%(done)s of %(target)s hours")
            % {"done": hours_text(supervision), "target": hours_text(rules.supervision_hours)},
        )
    if required:
        done = sum(1 for c in required if f"{c.domain.framework.slug}/{c.code}" in achieved)
        bar(
            _("Competencies signed off"),
            done,
            len(required),
            _("%(done)s of %(target)s") % {"done": done, "target": len(required)},
        )
    domains = {d.pk: d for d in frameworks.live_domains(LEDGER_DOMAIN_FRAMEWORK)}
    by_domain = [
        {"domain": domains[pk], "hours": hours_text(minutes / 60)}
        for pk, minutes in sorted(totals["by_domain"].items())
        if pk in domains
    ]
    return {
        "rules": rules,
        "bars": bars,
        "by_domain": by_domain,
        "here_hours": hours_text(here["minutes"] / 60),
        "held_hours": hours_text(here["held_minutes"] / 60) if here["held_minutes"] else "",
        "required": [
            {"competency": c, "achieved": f"{c.domain.framework.slug}/{c.code}" in achieved}
            for c in required
        ],
    }


def hours_text(value: float) -> str:
    """Hours to one decimal place, as people read them: 12, 12.5 (never 12.0)."""
    return plain_hours_text(round(value, 1))
