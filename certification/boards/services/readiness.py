"""Readiness against a board: every requirement of the version a trainee aims at, with numbers
from Peerpath's records, and what Peerpath cannot hold as items the trainee ticks.

Peerpath is aligned to these boards, never approved by them: the page compares records with
what each board published, and says where each figure came from. A fixed number of queries
however many trainees (a registrar reads a whole cohort at once).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certification.credentials.models import Attestation
from certification.exams import services as exam_services
from certification.practicum.services.practicum import trainee_totals_many
from certification.standards.models import Domain
from certification.standards.services.training import progress_percent
from lms.hours import ZERO, lines_for, sum_by_domain

from ..models import BoardTarget, DocumentType

# Documents Peerpath produces itself (in the application packet) rather than the trainee.
PEERPATH_DOCUMENTS = {"training_certificates", "supervisor_verification", "ethics_statement"}
# Never held by Peerpath, whatever the trainee has written elsewhere in it: the board gets it
# from them directly.
ELIGIBILITY_TITLES = {
    "education": "Education",
    "residency": "Residency",
    "lived_experience": "Lived experience",
    "state_credential": "State credential",
    "age": "Age",
}


@dataclass
class Line:
    """One requirement: Peerpath's count against the board's figure, or an item to tick."""

    section: str  # training, experience, supervision, exam, documents, eligibility
    key: str
    label: str
    met: bool
    detail: str
    done: float = 0
    needed: float = 0
    tickable: bool = False  # held by the trainee, not Peerpath: they tick it
    source: dict = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return progress_percent(self.done, self.needed, met=self.met)


@dataclass
class Readiness:
    target: BoardTarget
    lines: list[Line]

    @property
    def version(self):
        return self.target.version

    @property
    def counted(self) -> list[Line]:
        return [line for line in self.lines if not line.tickable]

    @property
    def checklist(self) -> list[Line]:
        return [line for line in self.lines if line.tickable]

    @property
    def ready(self) -> bool:
        return all(line.met for line in self.lines)

    @property
    def done_count(self) -> int:
        return sum(1 for line in self.lines if line.met)

    @property
    def percent(self) -> int:
        return int(100 * self.done_count / len(self.lines)) if self.lines else 100

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if not line.met]

    def sections(self) -> list[tuple[str, list[Line]]]:
        order = ["training", "experience", "supervision", "exam", "documents", "eligibility"]
        grouped = defaultdict(list)
        for line in self.lines:
            grouped[line.section].append(line)
        return [(name, grouped[name]) for name in order if grouped.get(name)]


def _fmt(number) -> str:
    number = float(number)
    return f"{number:g}" if number == int(number) else f"{number:.2f}".rstrip("0")


def _hours_line(section, key, label, have, needed, source, noun) -> Line:
    return Line(
        section,
        key,
        label,
        float(have) >= float(needed),
        _("%(have)s of %(needed)s %(noun)s")
        % {"have": _fmt(have), "needed": _fmt(needed), "noun": noun},
        float(have),
        float(needed),
        source=source,
    )


def readiness_many(targets) -> dict[int, Readiness]:
    """Readiness for each target (BoardTarget rows with credential and version loaded), by
    target id. Queries: hours from each registered source, two for practicum, one for
    domain titles, one for document titles, one for attestations."""
    targets = list(targets)
    if not targets:
        return {}
    trainee_ids = sorted({t.trainee_id for t in targets})
    hours = lines_for(trainee_ids)
    practicum = trainee_totals_many(trainee_ids=trainee_ids)
    domain_keys = {
        key for t in targets for key in (t.version.rules.get("training", {}).get("by_domain") or {})
    }
    titles = {}
    if domain_keys:
        lookup = Q(pk__in=[])
        for key in domain_keys:
            framework, _sep, code = key.partition("/")
            lookup |= Q(framework__slug=framework, code=code)
        titles = {
            f"{fw}/{code}": title
            for fw, code, title in Domain.objects.filter(lookup).values_list(
                "framework__slug", "code", "title"
            )
        }
    documents = dict(DocumentType.objects.values_list("code", "title"))
    ethics = set(
        Attestation.objects.filter(trainee_id__in=trainee_ids, code="code_of_ethics").values_list(
            "trainee_id", flat=True
        )
    )
    # A pass a registrar recorded (certification.exams) for each board credential's exam.
    passes = {}
    if any((t.version.rules.get("exam") or {}).get("required") for t in targets):
        passes = exam_services.standing_passes(
            trainee_ids=trainee_ids, keys=[t.credential.code for t in targets]
        )
    return {
        t.pk: Readiness(
            t,
            _lines(
                t,
                hours.get(t.trainee_id, []),
                practicum[t.trainee_id],
                titles,
                documents,
                t.trainee_id in ethics,
                passes.get((t.trainee_id, t.credential.code)),
            ),
        )
        for t in targets
    }


def readiness(target) -> Readiness:
    return readiness_many([target])[target.pk]


def _lines(target, hours, practicum, titles, documents, attested, passed) -> list[Line]:
    rules, sources = target.version.rules, target.version.sources or {}
    counted = [line for line in hours if line.counts]
    lines: list[Line] = []
    training = rules.get("training") or {}
    noun = _("training hours")
    if training.get("total") is not None:
        total = sum((line.total for line in counted), ZERO)
        lines.append(
            _hours_line(
                "training",
                "total",
                _("Training"),
                total,
                training["total"],
                sources.get("training.total", {}),
                noun,
            )
        )
    by_domain = sum_by_domain(counted)
    for key, needed in (training.get("by_domain") or {}).items():
        label = titles.get(key) or key.partition("/")[2].replace("_", " ").capitalize()
        lines.append(
            _hours_line(
                "training",
                f"domain:{key}",
                label,
                by_domain.get(key, ZERO),
                needed,
                sources.get(f"training.by_domain.{key}", {}),
                noun,
            )
        )
    for topic, needed in (training.get("min_by_topic") or {}).items():
        have = sum((line.total for line in counted if topic in line.topics), ZERO)
        lines.append(
            _hours_line(
                "training",
                f"topic:{topic}",
                topic.replace("_", " ").capitalize(),
                have,
                needed,
                sources.get(f"training.min_by_topic.{topic}", {}),
                noun,
            )
        )
    share = training.get("face_to_face_share_min")
    if share:
        total = sum((line.total for line in counted), ZERO)
        live = sum((line.face_to_face for line in counted), ZERO)
        have = float(live / total) if total else 0.0
        lines.append(
            Line(
                "training",
                "face_to_face",
                _("Face-to-face share"),
                bool(total) and have >= float(share),
                _("%(have)s%% of training hours live (at least %(needed)s%%)")
                % {"have": round(have * 100), "needed": round(float(share) * 100)},
                round(have * 100),
                round(float(share) * 100),
                source=sources.get("training.face_to_face_share_min", {}),
            )
        )
    experience = rules.get("experience") or {}
    if experience.get("hours") is not None:
        lines.append(
            _hours_line(
                "experience",
                "hours",
                _("Experience"),
                practicum["minutes"] / 60,
                experience["hours"],
                sources.get("experience.hours", {}),
                _("approved practicum hours"),
            )
        )
    elif experience.get("duration"):
        lines.append(
            Line(
                "experience",
                "duration",
                _("Experience"),
                target_ticked(target, "experience"),
                str(experience["duration"]),
                tickable=True,
                source=sources.get("experience.duration", {}),
            )
        )
    if experience.get("direct_service_share_min"):
        minutes = practicum["minutes"]
        have = practicum["direct_minutes"] / minutes if minutes else 0.0
        needed = float(experience["direct_service_share_min"])
        lines.append(
            Line(
                "experience",
                "direct",
                _("Direct service share"),
                bool(minutes) and have >= needed,
                _("%(have)s%% of practicum hours in direct service (at least %(needed)s%%)")
                % {"have": round(have * 100), "needed": round(needed * 100)},
                round(have * 100),
                round(needed * 100),
                source=sources.get("experience.direct_service_share_min", {}),
            )
        )
    supervision = rules.get("supervision") or {}
    if supervision.get("hours") is not None:
        lines.append(
            _hours_line(
                "supervision",
                "hours",
                _("Supervision"),
                practicum["supervision_minutes"] / 60,
                supervision["hours"],
                sources.get("supervision.hours", {}),
                _("supervision hours"),
            )
        )
    exam = rules.get("exam") or {}
    if exam.get("required"):
        name = exam.get("name") or _("The board's exam")
        if passed is not None:
            detail = _("Passed on %(day)s") % {"day": date_format(passed.taken_on, "j F Y")}
            if passed.scaled_score is not None:
                detail += _(", scaled score %(score)s") % {"score": passed.scaled_score}
            detail += _(" (recorded by a registrar from the score report).")
        else:
            detail = _(
                "No pass recorded in Peerpath yet: a registrar records it from the score "
                "report the board sends you."
            )
        lines.append(
            Line(
                "exam",
                "exam",
                str(name),
                passed is not None,
                detail,
                source=sources.get("exam.name", {}),
            )
        )
    for code in rules.get("documents") or []:
        title = documents.get(code, code.replace("_", " ").capitalize())
        if code == "ethics_statement":
            lines.append(
                Line(
                    "documents",
                    code,
                    title,
                    attested,
                    _("Made in Peerpath: your code of ethics attestation goes in your packet.")
                    if attested
                    else _("Attest to the code of ethics in Peerpath (Credentials)."),
                    source=sources.get(f"documents.{code}", {}),
                )
            )
        elif code in PEERPATH_DOCUMENTS:
            lines.append(
                Line(
                    "documents",
                    code,
                    title,
                    True,
                    _("Peerpath puts this in your application packet."),
                    source=sources.get(f"documents.{code}", {}),
                )
            )
        else:
            lines.append(
                Line(
                    "documents",
                    code,
                    title,
                    target_ticked(target, f"document:{code}"),
                    _("Peerpath does not hold this: tick it when you have it ready."),
                    tickable=True,
                    source=sources.get(f"documents.{code}", {}),
                )
            )
    for name, text in (rules.get("eligibility") or {}).items():
        condition = name.startswith("condition_")
        lines.append(
            Line(
                "eligibility",
                name,
                text if condition else ELIGIBILITY_TITLES.get(name, name.replace("_", " ").title()),
                target_ticked(target, f"eligibility:{name}"),
                _("Tick this when it is in place.") if condition else text,
                tickable=True,
                source=sources.get(f"eligibility.{name}", {}),
            )
        )
    return lines


def target_ticked(target, key: str) -> bool:
    return key in (target.ticked or [])


def tick_keys(target) -> set[str]:
    """The keys the trainee may tick on this target's version (and nothing else)."""
    rules = target.version.rules
    keys = {f"eligibility:{name}" for name in rules.get("eligibility") or {}}
    keys |= {f"document:{c}" for c in rules.get("documents") or [] if c not in PEERPATH_DOCUMENTS}
    if (rules.get("experience") or {}).get("duration") and (rules.get("experience") or {}).get(
        "hours"
    ) is None:
        keys.add("experience")
    return keys
