"""Item statistics of a quiz, for trainers: how hard each question was (facility), how well it
separated stronger from weaker attempts (discrimination), and which options were chosen.

Computed over graded attempts only, in a fixed number of queries and one pass over the
responses. Items are grouped by question id, because random draws and shuffles put the same
question at different positions; each response is read against the snapshot its attempt
froze (`attempt.items[position]`), so later edits to a question never change past figures.

Formulas (n = graded responses to the item):
- item score: the fraction of the item's points earned, counting the latest trainer mark for
  written parts (as the attempt's own total does);
- facility: the mean item score; for right-or-wrong items, the share answered fully correct;
- discrimination: the corrected item-total correlation, Pearson's r between the item score
  and the rest-of-test score (the attempt's total minus this item) across the attempts that
  contain the item. The rest is taken as a fraction of the rest's maximum: for a fixed quiz
  that is a constant scale, which leaves r unchanged, and it keeps random draws of different
  totals comparable. None when fewer than three attempts, or when either score never varies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from .models import (
    QUESTION_TYPES,
    Attempt,
    Mark,
    Question,
    QuizPage,
    QuizQuestion,
    Response,
    question_class,
    snapshot_class,
)

HARD_BELOW = 0.3  # facility under this: most attempts got it wrong
EASY_ABOVE = 0.95  # facility over this: it tells trainers little
LOW_DISCRIMINATION = 0.2  # r under this: the item does not track the rest of the quiz
MIN_PAIRS = 3  # a correlation of two points is always ±1 and means nothing
# Below this many graded responses an item is not flagged: with two attempts one slip makes
# an item "hard" and a lucky pair makes it "easy". The page says so.
MIN_RESPONSES_TO_FLAG = 5
PROGRESS_EVERY = 5_000  # responses between progress reports of a background computation

FLAG_LABELS = {
    "hard": _("Hard: facility under 30%"),
    "easy": _("Easy: facility over 95%"),
    "low_discrimination": _("Low discrimination: under 0.20"),
}
FLAG_SHORT = {"hard": _("hard"), "easy": _("easy"), "low_discrimination": _("low discrimination")}


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r of two equal-length series; None below three pairs or with zero variance."""
    n = len(xs)
    if n < MIN_PAIRS or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:  # equal in all but float rounding
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _percent(fraction: float | None) -> int | None:
    return None if fraction is None else int(fraction * 100 + 0.5)


@dataclass
class OptionFrequency:
    option_id: str
    text: str
    correct: bool  # keyed correct in the latest snapshot that lists the option
    chosen: int = 0
    responses: int = 0  # the item's n, so shares do not need it passed around

    @property
    def share(self) -> float:
        return self.chosen / self.responses if self.responses else 0.0

    @property
    def percent(self) -> int:
        return _percent(self.share)


@dataclass
class ItemStatistics:
    question_id: int
    title: str
    type_key: str
    n: int  # graded responses to the item
    unanswered: int
    mean_score: float  # mean fraction of the item's points earned
    mean_points: float
    discrimination: float | None
    options: list[OptionFrequency] = field(default_factory=list)
    number: int = 0  # position in the report, as in the chart

    @property
    def facility(self) -> float:
        """The mean score; for right-or-wrong items, the share answered fully correct."""
        return self.mean_score

    @property
    def facility_percent(self) -> int:
        return _percent(self.facility)

    @property
    def discrimination_shown(self) -> float | None:
        """Discrimination to two places, as the page shows it."""
        return None if self.discrimination is None else round(self.discrimination, 2)

    @property
    def type_label(self) -> str:
        try:
            return question_class(self.type_key).type_label
        except KeyError:
            return self.type_key

    @property
    def flags(self) -> list[str]:
        """Judged on the figures as shown (whole percent, r to two places), so the page never
        shows 0.20 flagged as under 0.20. Nothing is flagged on fewer than
        MIN_RESPONSES_TO_FLAG graded responses."""
        flags = []
        if self.n < MIN_RESPONSES_TO_FLAG:
            return flags
        if self.facility_percent < _percent(HARD_BELOW):
            flags.append("hard")
        if self.facility_percent > _percent(EASY_ABOVE):
            flags.append("easy")
        shown = self.discrimination_shown
        if shown is not None and shown < LOW_DISCRIMINATION:
            flags.append("low_discrimination")
        return flags

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[flag] for flag in self.flags]

    @property
    def has_options(self) -> bool:
        return _has_options(self.type_key)


@dataclass
class QuizStatistics:
    quiz: QuizPage | None  # None only while cached
    attempts: int  # graded attempts counted
    mean_percent: float | None
    items: list[ItemStatistics]

    BAR_ROW = 24  # pixels per item in the chart
    CHART_TOP = 22  # room above the bars for the threshold labels
    TRACK_X = 40
    SCALE = 5  # pixels per percentage point: 100% is 500 pixels

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)

    @property
    def chart_height(self) -> int:
        return self.CHART_TOP + self.BAR_ROW * len(self.items) + 8

    @property
    def chart_bars(self) -> list[dict]:
        """Geometry of the facility-by-item bar chart (SVG attributes, no inline styles)."""
        return [
            {
                "number": item.number,
                "title": item.title,
                "percent": item.facility_percent,
                "flags": ", ".join(str(FLAG_SHORT[flag]) for flag in item.flags),
                "y": self.CHART_TOP + i * self.BAR_ROW + 4,
                "text_y": self.CHART_TOP + i * self.BAR_ROW + 18,
                "width": item.facility_percent * self.SCALE,
                "value_x": self.TRACK_X + 12 + item.facility_percent * self.SCALE,
            }
            for i, item in enumerate(self.items)
        ]

    @property
    def chart_thresholds(self) -> list[dict]:
        """Dashed lines at the facility flags (30% and 95%), labelled above the bars."""
        return [
            {
                "label": f"{_percent(value)}%",
                "x": self.TRACK_X + _percent(value) * self.SCALE,
                "y1": self.CHART_TOP - 4,
                "y2": self.chart_height - 4,
                "label_y": self.CHART_TOP - 8,
            }
            for value in (HARD_BELOW, EASY_ABOVE)
        ]


class _Accumulator:
    """Running figures of one question while the responses stream past."""

    def __init__(self, question_id: int):
        self.question_id = question_id
        self.type_key = ""
        self.scores: list[float] = []
        self.rests: list[float | None] = []
        self.points = 0.0
        self.unanswered = 0
        self.positions = 0
        self.options: dict[str, OptionFrequency] = {}
        self._last_applied = None

    def add_snapshot_options(self, snapshot: dict) -> None:
        # Later snapshots overwrite text and key, so labels follow the latest version.
        # Consecutive attempts mostly froze the same version: applying it again changes
        # nothing, so an equal one is skipped (a cheap comparison against a costly loop).
        applied = (snapshot.get("options"), snapshot.get("answer"))
        if applied == self._last_applied:
            return
        self._last_applied = applied
        for option_id, text, correct in snapshot_class(snapshot).snapshot_options(snapshot):
            option = self.options.setdefault(option_id, OptionFrequency(option_id, "", False))
            option.text, option.correct = text, correct

    def count_choices(self, answer) -> None:
        for option_id in question_class(self.type_key).chosen_option_ids(answer):
            option = self.options.get(option_id)
            if option is None:  # not in any snapshot: show the id rather than drop the count
                option = self.options[option_id] = OptionFrequency(option_id, option_id, False)
            option.chosen += 1

    def result(self, title: str) -> ItemStatistics:
        n = len(self.scores)
        pairs = [(s, r) for s, r in zip(self.scores, self.rests, strict=True) if r is not None]
        options = list(self.options.values()) if _has_options(self.type_key) else []
        for option in options:
            option.responses = n
        return ItemStatistics(
            question_id=self.question_id,
            title=title,
            type_key=self.type_key,
            n=n,
            unanswered=self.unanswered,
            mean_score=math.fsum(self.scores) / n if n else 0.0,
            mean_points=self.points / n if n else 0.0,
            discrimination=pearson([s for s, _r in pairs], [r for _s, r in pairs]),
            options=options,
        )


def _has_options(type_key: str) -> bool:
    """Whether the item's type counts how often each option was chosen (an unknown type, from
    a snapshot of a type since removed, does not)."""
    cls = QUESTION_TYPES.get(type_key)
    return bool(cls and cls.has_options)


def _is_unanswered(answer) -> bool:
    return (
        answer is None
        or answer in ("", [], {})
        or (isinstance(answer, dict) and not any(answer.values()))
    )


def _points(snapshot: dict, auto_score: float | None, mark: tuple | None) -> float:
    """Points one response earned, counting the latest trainer mark for written parts: the
    same rule as the attempt's own total (services.assessment._response_points), on plain
    values rather than model instances."""
    points = snapshot["points"]
    auto = (auto_score or 0.0) * points
    if snapshot.get("rubric") is None or mark is None:
        return auto
    mark_points, mark_max = mark
    fraction = mark_points / mark_max if mark_max else 0.0
    return auto + fraction * (1 - snapshot.get("choice_weight", 0) / 100) * points


def _graded_attempts(quiz: QuizPage, cohort=None):
    """The quiz's graded attempts; of the cohort's learners only, when a cohort is given."""
    attempts = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.GRADED)
    if cohort is not None:
        attempts = attempts.filter(user__in=cohort.learners.values("pk"))
    return attempts


def _graded_responses(quiz: QuizPage, cohort=None):
    """(attempt id, response id, position, question id, answer, auto score) of every response
    of the quiz's graded attempts (of the cohort, when given), by attempt and position, read
    in chunks."""
    return (
        Response.objects.filter(attempt__in=_graded_attempts(quiz, cohort).values("pk"))
        .order_by("attempt_id", "position")
        .values_list("attempt_id", "pk", "position", "question_id", "answer", "auto_score")
        .iterator(chunk_size=5000)
    )


def quiz_item_statistics(quiz: QuizPage, *, cohort=None, progress=None) -> QuizStatistics:
    """Facility, discrimination and option frequencies per question over the quiz's graded
    attempts (of the cohort's learners only, when a cohort is given). Five queries whatever
    the number of attempts; linear in the responses, read as plain rows (model instances and
    per-row prefetch querysets cost ten times as much)."""
    attempts = dict(
        _graded_attempts(quiz, cohort).order_by("submitted_at", "pk").values_list("pk", "items")
    )
    # The latest mark of each marked response (marks are append-only, oldest first).
    marks = {
        response_id: (points, max_points)
        for response_id, points, max_points in Mark.objects.filter(
            response__attempt__in=_graded_attempts(quiz, cohort).values("pk")
        )
        .order_by("response_id", "marked_at", "pk")
        .values_list("response_id", "points", "max_points")
    }
    accumulators: dict[int, _Accumulator] = {}
    percents = []

    def add_attempt(items: list, rows: list) -> None:
        rows = [row for row in rows if row[2] < len(items)]
        earned = {
            row[2]: _points(items[row[2]]["snapshot"], row[5], marks.get(row[1])) for row in rows
        }
        total = math.fsum(earned.values())
        maximum = math.fsum(item["snapshot"]["points"] for item in items)
        if maximum:
            percents.append(total / maximum * 100)
        for _attempt_id, _pk, position, response_question, answer, auto_score in rows:
            snapshot = items[position]["snapshot"]
            question_id = snapshot.get("question_id") or response_question
            acc = accumulators.get(question_id)
            if acc is None:
                acc = accumulators[question_id] = _Accumulator(question_id)
            acc.type_key = snapshot["type"]
            points = snapshot["points"]
            item_points = earned[position]
            acc.scores.append(item_points / points if points else (auto_score or 0.0))
            rest_max = maximum - points
            acc.rests.append((total - item_points) / rest_max if rest_max > 0 else None)
            acc.points += item_points
            acc.positions += position
            if _is_unanswered(answer):
                acc.unanswered += 1
            if _has_options(acc.type_key):
                acc.add_snapshot_options(snapshot)
                acc.count_choices(answer)

    # Responses come in index order (attempt, position), which needs no sort in the database;
    # attempts are then taken in the order they were submitted, as the labels depend on it.
    by_attempt: dict[int, list] = {attempt_id: [] for attempt_id in attempts}
    expected = sum(len(items) for items in attempts.values())  # about one response per item
    for count, row in enumerate(_graded_responses(quiz, cohort), start=1):
        rows = by_attempt.get(row[0])
        if rows is not None:  # not an attempt graded after the first read
            rows.append(row)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(min(count, expected), expected)
    for attempt_id, items in attempts.items():
        add_attempt(items, by_attempt.pop(attempt_id))

    ids = list(accumulators)
    titles = dict(Question.objects.non_polymorphic().filter(pk__in=ids).values_list("pk", "title"))
    listed = list(
        QuizQuestion.objects.filter(quiz=quiz)
        .order_by("sort_order", "pk")
        .values_list("question_id", flat=True)
    )
    order = {question_id: i for i, question_id in enumerate(listed)}

    # Listed questions in the quiz's order; drawn ones after, by where they usually appeared.
    def sort_key(acc: _Accumulator):
        mean_position = acc.positions / len(acc.scores) if acc.scores else 0
        listed_at = order.get(acc.question_id, len(order))
        return (listed_at, mean_position, titles.get(acc.question_id, ""))

    items = []
    for number, acc in enumerate(sorted(accumulators.values(), key=sort_key), start=1):
        item = acc.result(titles.get(acc.question_id) or f"Question {acc.question_id}")
        item.number = number
        items.append(item)
    mean_percent = math.fsum(percents) / len(percents) if percents else None
    return QuizStatistics(quiz=quiz, attempts=len(attempts), mean_percent=mean_percent, items=items)


# --- Large quizzes: computed once per state of the data, in the background -------------------

INLINE_LIMIT = 2_000  # graded attempts computed in the request; above, by a Celery task
CACHE_SECONDS = 24 * 3600  # question titles edited since show within a day
QUEUED_SECONDS = 15 * 60  # a lost task is queued again after this


def fingerprint(quiz: QuizPage) -> tuple:
    """What the figures depend on: the quiz's graded attempts (count, newest id and time) and
    the newest trainer mark anywhere (a remark changes past totals). Two small queries. (The
    times keep two databases that reuse ids, such as test runs, from sharing an entry.)"""
    graded = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.GRADED).aggregate(
        n=Count("pk"), last=Max("pk"), at=Max("submitted_at")
    )
    last_mark = Mark.objects.aggregate(last=Max("pk"))["last"]
    return (
        graded["n"],
        graded["last"] or 0,
        graded["at"].timestamp() if graded["at"] else 0,
        last_mark or 0,
    )


def _cache_key(quiz_id: int, state: tuple) -> str:
    return "quiz-statistics:{}:{}".format(quiz_id, "-".join(str(part) for part in state))


def compute_and_store(quiz: QuizPage) -> QuizStatistics:
    """Compute the statistics and keep them for this state of the data, with progress
    reports (a share from 0 to 1) under the same key while it runs."""
    state = fingerprint(quiz)
    key = _cache_key(quiz.pk, state)

    def report(done: int, total: int) -> None:
        cache.set(key + ":progress", done / total if total else 1.0, QUEUED_SECONDS)

    stats = quiz_item_statistics(quiz, progress=report)
    cache.set(key, replace(stats, quiz=None), CACHE_SECONDS)
    return stats


def statistics_or_progress(quiz: QuizPage, *, cohort=None) -> tuple[QuizStatistics | None, float]:
    """The quiz's statistics, or (None, share done) while a background task computes them.
    Small quizzes are computed in the request; large ones once per state of the data by
    `compute_quiz_statistics_task`, then served from the cache. A cohort's figures (a few
    dozen attempts) are always computed in the request, from its learners' attempts only."""
    from .tasks import compute_quiz_statistics_task

    if cohort is not None:
        return quiz_item_statistics(quiz, cohort=cohort), 1.0

    state = fingerprint(quiz)
    key = _cache_key(quiz.pk, state)
    cached = cache.get(key)
    if cached is not None:
        return replace(cached, quiz=quiz), 1.0
    if state[0] <= INLINE_LIMIT:
        return compute_and_store(quiz), 1.0
    if cache.add(key + ":queued", True, QUEUED_SECONDS):  # once, however many trainers look
        compute_quiz_statistics_task.delay_on_commit(quiz.pk)
        cached = cache.get(key)  # without a broker the task has already run, in process
        if cached is not None:
            return replace(cached, quiz=quiz), 1.0
    return None, cache.get(key + ":progress") or 0.0
