"""Training-hours rules of a credential version, measured against a person's credited hours
(`lms.hours.summarise`): the total, each domain, the face-to-face share and the required
topics, each with numbers. The one reading of these rules, for eligibility (the credentials
app) and the training-hours pages (the hours app)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _

from lms.hours import ZERO, Summary

from ..models import CredentialVersion, Domain

# Topic codes offered for a piece of training, beside every topic a training rule names.
BASE_TOPICS = (
    "ethics",
    "boundaries",
    "confidentiality",
    "trauma_informed_practice",
    "recovery",
    "advocacy",
    "self_care",
    "cultural_humility",
)


def topic_label(code: str) -> str:
    return code.replace("_", " ").replace("-", " ").capitalize()


def training_topics() -> list[tuple[str, str]]:
    """(code, label) of the topics a piece of training may cover: the usual ones and every
    topic a credential's training rule asks for. One query."""
    named = set()
    for topics in CredentialVersion.objects.exclude(training_topics=[]).values_list(
        "training_topics", flat=True
    ):
        named.update(topics or [])
    ordered = [*BASE_TOPICS, *sorted(named - set(BASE_TOPICS))]
    return [(code, topic_label(code)) for code in ordered]


def domain_titles(keys) -> dict[str, str]:
    """Titles of the domains named by `"framework/code"` keys (unknown keys left out). One
    query, none for no keys."""
    parts = [key.partition("/") for key in dict.fromkeys(keys)]
    if not parts:
        return {}
    lookup = reduce(or_, (Q(framework__slug=f, code=c) for f, _sep, c in parts))
    return {
        f"{slug}/{code}": title
        for slug, code, title in Domain.objects.filter(lookup).values_list(
            "framework__slug", "code", "title"
        )
    }


def training_domain_keys() -> list[str]:
    """Every domain some credential's training rule counts, in a stable order. One query."""
    keys = set()
    for split in CredentialVersion.objects.exclude(training_hours_by_domain={}).values_list(
        "training_hours_by_domain", flat=True
    ):
        keys.update(split or {})
    return sorted(keys)


def fmt(number) -> str:
    """Hours for people: 9, 9.5, 9.25."""
    value = Decimal(number).quantize(Decimal("0.01")).normalize()
    return f"{value:f}"


@dataclass(frozen=True)
class TrainingCheck:
    """One training requirement of a version: what is needed, what is credited, met or not."""

    kind: str  # "training_hours", "training_domain", "training_face_to_face", "training_topic"
    key: str
    label: str
    met: bool
    detail: str
    have: float
    needed: float

    @property
    def percent(self) -> int:
        return progress_percent(self.have, self.needed, met=self.met)


def progress_percent(done, needed, *, met: bool) -> int:
    """How far along a requirement is, for a progress bar: 100 only when it is met, so a
    bar never looks full while something is missing."""
    if met:
        return 100
    if not needed:
        return 0
    return max(0, min(99, int(100 * done / needed)))


def training_checks(
    version: CredentialVersion, summary: Summary, titles: dict[str, str]
) -> list[TrainingCheck]:
    """The version's training requirements against the credited hours in `summary`, in a
    fixed order: total, each domain, face-to-face share, each topic. No queries (`titles`
    from `domain_titles`)."""
    checks = []
    needed = Decimal(version.training_hours or 0)
    if needed:
        checks.append(
            TrainingCheck(
                "training_hours",
                "total",
                _("Training hours"),
                summary.total >= needed,
                _("%(have)s of %(needed)s training hours")
                % {"have": fmt(summary.total), "needed": fmt(needed)},
                float(summary.total),
                float(needed),
            )
        )
    for key, hours in (version.training_hours_by_domain or {}).items():
        label = titles.get(key, key)
        have, hours = summary.by_domain.get(key, ZERO), Decimal(str(hours))
        checks.append(
            TrainingCheck(
                "training_domain",
                key,
                label,
                key in titles and have >= hours,
                _("%(label)s: %(have)s of %(needed)s training hours")
                % {"label": label, "have": fmt(have), "needed": fmt(hours)},
                float(have),
                float(hours),
            )
        )
    share = Decimal(version.training_face_to_face_share_min or 0)
    if share:
        have_share = summary.face_to_face_share
        checks.append(
            TrainingCheck(
                "training_face_to_face",
                "face_to_face",
                _("Training taught face to face"),
                bool(summary.total) and have_share >= share,
                _(
                    "%(have)s of %(total)s training hours face to face, %(share)s%% "
                    "(at least %(min)s%%)"
                )
                % {
                    "have": fmt(summary.face_to_face),
                    "total": fmt(summary.total),
                    "share": round(have_share * 100),
                    "min": round(share * 100),
                },
                round(float(have_share) * 100),
                round(float(share) * 100),
            )
        )
    for topic in version.training_topics or []:
        label = topic_label(topic)
        met = topic in summary.topics
        checks.append(
            TrainingCheck(
                "training_topic",
                topic,
                _("Training topic: %(topic)s") % {"topic": label},
                met,
                (
                    _("Training on %(topic)s: covered")
                    if met
                    else _("Training on %(topic)s: not yet")
                )
                % {"topic": label},
                int(met),
                1,
            )
        )
    return checks
