"""Training hours: the one shape every source of hours speaks, and the registry that finds them.

Boards certify first on education hours, counted by domain. Hours come from several apps
(completed courses, signed attendance at live sessions, verified outside training, recognised
prior learning), each of which sits at its own layer. None of them imports the ledger that sums
them; each registers a *source* here in its ``AppConfig.ready()``, and the ledger asks every
registered source for the people it shows. This module is the shared base, so it knows nothing
of courses or sessions.

Domain keys are ``"<framework slug>/<domain code>"`` (for example ``"icrc-pr/ethics"``), the
same keys credential rules use for practicum hours by domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.dispatch import Signal

ZERO = Decimal("0")
QUARTER = Decimal("0.25")


class Delivery:
    """How a piece of training was delivered. Boards that ask for a face-to-face share count
    live online and in person (and the live part of blended) as face to face."""

    SELF_PACED = "self_paced"
    LIVE_ONLINE = "live_online"
    IN_PERSON = "in_person"
    BLENDED = "blended"

    CHOICES = [
        (SELF_PACED, "Self-paced online"),
        (LIVE_ONLINE, "Live online"),
        (IN_PERSON, "In person"),
        (BLENDED, "Blended"),
    ]
    LIVE = {LIVE_ONLINE, IN_PERSON}

    @classmethod
    def label(cls, value: str) -> str:
        return dict(cls.CHOICES).get(value, value)


class Status:
    """Where a line of hours stands. Only CREDITED lines count toward any rule."""

    CREDITED = "credited"
    PENDING = "pending"  # outside training waiting for a registrar
    RETURNED = "returned"  # returned with a reason; does not count
    SUPERSEDED = "superseded"  # replaced by a correction; kept for the record


@dataclass(frozen=True)
class HoursLine:
    """One credited (or claimed) piece of training for one person."""

    source: str  # "course", "session", "outside", "prior_learning"
    key: str  # stable and unique per person and source, e.g. "course:12:v3", "attendance:88"
    title: str  # as approved (a course's approved title, a session's title)
    on: date  # the date it was completed or attended
    hours_by_domain: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO  # may exceed the sum by domain (hours not tied to a domain)
    delivery: str = Delivery.SELF_PACED
    face_to_face: Decimal = ZERO  # of total, the hours delivered live
    topics: tuple[str, ...] = ()  # topic codes (for example "ethics", "confidentiality")
    provider: str = ""  # who delivered it
    status: str = Status.CREDITED
    url: str = ""  # where the holder can see it (certificate, session), if anywhere
    note: str = ""  # a registrar's reason, never lived-experience text

    @property
    def counts(self) -> bool:
        return self.status == Status.CREDITED


# Sent by a source, inside the transaction that credits new hours to a person (outside
# training verified, attendance signed), with `trainee`: the credentials app receives it and
# queues issuing when the new hours complete a credential's rules.
hours_credited = Signal()

Source = Callable[[list[int]], dict[int, list[HoursLine]]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    """Register (or replace, on a reload) the function that returns lines for user ids.
    A source answers for many people at once, in a fixed number of queries."""
    _SOURCES[name] = source


def unregister_source(name: str) -> None:
    """Remove a source (a test's own, after the test)."""
    _SOURCES.pop(name, None)


def registered_sources() -> dict[str, Source]:
    return dict(_SOURCES)


def lines_for(user_ids: Iterable[int]) -> dict[int, list[HoursLine]]:
    """Every registered source's lines for these people, oldest first."""
    ids = sorted(set(user_ids))
    found: dict[int, list[HoursLine]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for source in _SOURCES.values():
        for pk, lines in source(ids).items():
            found.setdefault(pk, []).extend(lines)
    for lines in found.values():
        lines.sort(key=lambda line: (line.on, line.source, line.key))
    return found


def to_hours(value) -> Decimal:
    """A number of hours from a form, YAML or JSON value, as a Decimal rounded down to the
    quarter hour."""
    if not value:
        return ZERO
    quarters = (Decimal(str(value)) / QUARTER).to_integral_value(rounding=ROUND_FLOOR)
    return (quarters * QUARTER).quantize(Decimal("0.01"))


def hours_text(value) -> str:
    """Hours as people read them: 8, 7.5, 0.25 (no trailing zeros, never an exponent)."""
    number = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def sum_by_domain(lines: Iterable[HoursLine]) -> dict[str, Decimal]:
    """Credited hours per domain key over these lines."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        if not line.counts:
            continue
        for key, hours in line.hours_by_domain.items():
            totals[key] = totals.get(key, ZERO) + Decimal(hours)
    return totals


@dataclass(frozen=True)
class Summary:
    """Credited hours over some lines: the total, the face-to-face part, by domain, and the
    topics covered. Pending, returned and superseded lines are left out."""

    total: Decimal = ZERO
    face_to_face: Decimal = ZERO
    by_domain: dict[str, Decimal] = field(default_factory=dict)
    topics: frozenset[str] = frozenset()
    lines: tuple[HoursLine, ...] = ()  # the credited lines counted

    @property
    def face_to_face_share(self) -> Decimal:
        return self.face_to_face / self.total if self.total else ZERO

    @property
    def counted(self) -> list[tuple[HoursLine, Decimal]]:
        """Each credited line with the hours it counted for."""
        return [(line, line_hours(line)) for line in self.lines]


def line_hours(line: HoursLine) -> Decimal:
    """A line's hours: its total, and at least the sum of its hours by domain (a source may
    give only the split)."""
    split = sum((Decimal(hours) for hours in line.hours_by_domain.values()), ZERO)
    return max(Decimal(line.total), split)


def summarise(lines: Iterable[HoursLine]) -> Summary:
    """The credited hours of these lines (pending, returned and superseded ones left out)."""
    lines = tuple(line for line in lines if line.counts)
    topics: set[str] = set()
    for line in lines:
        topics.update(line.topics)
    return Summary(
        total=sum((line_hours(line) for line in lines), ZERO),
        face_to_face=sum((Decimal(line.face_to_face) for line in lines), ZERO),
        by_domain=sum_by_domain(lines),
        topics=frozenset(topics),
        lines=lines,
    )


# Course completion needs more than lessons and quizzes when a course has required live
# sessions. The courses app decides completion but sits below the app that holds sessions, so
# that app registers a check here: ``check(user_id, course_id)`` returns what is still missing,
# each as a short sentence for the learner ("Attend 'Boundaries in practice' (live, 2 h)").
CompletionCheck = Callable[[int, int], list[str]]
_COMPLETION_CHECKS: dict[str, CompletionCheck] = {}


def register_completion_check(name: str, check: CompletionCheck) -> None:
    _COMPLETION_CHECKS[name] = check


def completion_blockers(user_id: int, course_id: int) -> list[str]:
    """What still stands between this learner and completing this course, beyond lessons
    and quizzes; empty when nothing does."""
    missing: list[str] = []
    for check in _COMPLETION_CHECKS.values():
        missing.extend(check(user_id, course_id))
    return missing
