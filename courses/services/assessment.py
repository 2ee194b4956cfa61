"""Quiz attempts: start (or resume), save answers as the learner goes, submit once, mark
written answers with history, release results, and count passing towards course completion.

The attempt row serialises everything done to one attempt (`select_for_update`), so a double
click, two tabs or a retried request never grade twice or lose an answer."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..exceptions import (
    AnswerLockedError,
    AttemptFinishedError,
    AttemptNotFoundError,
    CooldownError,
    MarkingError,
    NoAttemptsLeftError,
    NotEnrolledError,
    QuizClosedError,
    TimeUpError,
)
from ..models import (
    Accommodation,
    AnswerError,
    Attempt,
    CoursePage,
    Mark,
    Question,
    QuizPage,
    Response,
    snapshot_class,
)
from ..models.questions import rubric_max
from .learning import complete_if_met, lock_enrolment, lock_enrolment_above

__all__ = [
    "attempts_left",
    "course_of_quiz",
    "draw_questions",
    "get_attempt",
    "grade_response",
    "mark_response",
    "release_results",
    "save_answer",
    "save_answers",
    "start_attempt",
    "submit_answers",
    "submit_attempt",
]


def course_of_quiz(quiz: QuizPage) -> CoursePage:
    """The course a quiz belongs to (a module quiz's course, or the course of a final quiz)."""
    return CoursePage.objects.ancestor_of(quiz).first()


def _accommodation(user, quiz) -> Accommodation | None:
    return Accommodation.objects.filter(user=user, quiz=quiz).first()


def attempts_left(*, user, quiz: QuizPage) -> int | None:
    """Attempts the learner may still start; None means no limit."""
    if quiz.attempts_allowed == 0:
        return None
    extra = _accommodation(user, quiz)
    allowed = quiz.attempts_allowed + (extra.extra_attempts if extra else 0)
    used = Attempt.objects.filter(user=user, quiz=quiz).count()
    return max(0, allowed - used)


def draw_questions(*, quiz: QuizPage, seed: int) -> list[Question]:
    """The questions of an attempt, in the order shown. Deterministic for a seed and the bank
    as it was, so a random draw can be reproduced from the stored attempt's seed."""
    rng = random.Random(seed)  # noqa: S311 - fairness, not secrecy: the seed is stored
    if quiz.selection == QuizPage.Selection.RANDOM:
        pool = list(Question.objects.published().tagged(quiz.draw_tag).order_by("pk").distinct())
        chosen = rng.sample(pool, min(quiz.draw_count, len(pool)))
    else:
        ids = list(
            quiz.quiz_questions.order_by("sort_order", "pk").values_list("question_id", flat=True)
        )
        by_id = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
        chosen = [by_id[i] for i in ids if i in by_id]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _build_items(quiz: QuizPage, seed: int) -> list[dict]:
    rng = random.Random(seed + 1)  # noqa: S311 - option shuffles, reproducible from the seed
    items = []
    for question in draw_questions(quiz=quiz, seed=seed):
        snapshot = question.snapshot()
        order = type(question).shuffle(snapshot, rng) if quiz.shuffle_options else {}
        items.append({"snapshot": snapshot, "order": order})
    return items


@transaction.atomic
def start_attempt(*, user, quiz: QuizPage) -> Attempt:
    """Resume the learner's open attempt, or start a new one if the rules allow."""
    course = course_of_quiz(quiz)
    # Two "start" clicks take turns on the enrolment lock; the second resumes the first.
    enrolment = lock_enrolment(user=user, course=course)
    if enrolment is None:
        raise NotEnrolledError()
    open_attempt = Attempt.objects.filter(
        user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS
    ).first()
    if open_attempt:
        return open_attempt
    now = timezone.now()
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizClosedError()
    left = attempts_left(user=user, quiz=quiz)
    if left is not None and left <= 0:
        raise NoAttemptsLeftError()
    last = Attempt.objects.filter(user=user, quiz=quiz).finished().order_by("-submitted_at").first()
    if last and last.submitted_at and quiz.cooldown_minutes and not last.passed:
        ready_at = last.submitted_at + timedelta(minutes=quiz.cooldown_minutes)
        if now < ready_at:
            raise CooldownError(wait_minutes=max(1, round((ready_at - now).total_seconds() / 60)))
    seed = secrets.randbits(48)
    items = _build_items(quiz, seed)
    deadline = None
    if quiz.time_limit_minutes:
        extra = _accommodation(user, quiz)
        deadline = now + timedelta(
            minutes=quiz.time_limit_minutes + (extra.extra_minutes if extra else 0)
        )
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user, quiz=quiz, number=number, seed=seed, items=items, deadline=deadline
            )
    except IntegrityError:
        # Another request opened one between our check and insert: resume that one.
        return Attempt.objects.get(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS)
    Response.objects.bulk_create(
        [
            Response(attempt=attempt, position=i, question_id=item["snapshot"]["question_id"])
            for i, item in enumerate(items)
        ]
    )
    return attempt


def get_attempt(*, user, key) -> Attempt:
    """The learner's own attempt by its key; anyone else's is "not found"."""
    attempt = Attempt.objects.filter(key=key, user=user).select_related("quiz").first()
    if attempt is None:
        raise AttemptNotFoundError()
    return attempt


def _locked_attempt(user, key) -> Attempt:
    """The learner's attempt, its row locked (not its quiz's), with its quiz: one query."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .filter(key=key, user=user)
        .first()
    )
    if attempt is None:
        raise AttemptNotFoundError()
    return attempt


def _deadline_passed(attempt: Attempt, now) -> bool:
    return bool(attempt.deadline and now > attempt.deadline)


@transaction.atomic
def save_answer(*, user, key, position: int, payload, check: bool = False) -> Response:
    """Save one answer of an open attempt (validated by its question type). With `check`,
    in after-each feedback mode, lock the answer and grade it so feedback can be shown."""
    attempt = _locked_attempt(user, key)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise AttemptFinishedError()
    if _deadline_passed(attempt, timezone.now()):
        raise TimeUpError()
    if not isinstance(position, int) or not 0 <= position < len(attempt.items):
        raise AttemptNotFoundError(message="That question is not part of this attempt.")
    item = attempt.items[position]
    response = Response.objects.get(attempt=attempt, position=position)
    if response.checked:
        raise AnswerLockedError()
    cls = snapshot_class(item["snapshot"])
    response.answer = cls.validate_answer(item["snapshot"], payload)
    update = ["answer", "saved_at"]
    if check and attempt.quiz.feedback_timing == QuizPage.FeedbackTiming.AFTER_EACH:
        response.checked = True
        grade = cls.grade_snapshot(item["snapshot"], response.answer, item["order"])
        response.auto_score, response.needs_marking = grade.score, grade.needs_marking
        update += ["checked", "auto_score", "needs_marking"]
    response.save(update_fields=update)
    return response


@transaction.atomic
def save_answers(
    *, user, key, payloads: dict[int, object], check: int | None = None
) -> dict[int, str]:
    """Save the answers of a whole page at once: one lock and one bulk update, whatever the
    number of questions. Each answer is validated by its type; refused ones are returned as
    {position: message} and leave that response as it was, while the others are saved."""
    attempt = _open_attempt(user, key)
    responses = {
        r.position: r for r in Response.objects.filter(attempt=attempt, position__in=list(payloads))
    }
    errors, changed = _apply_answers(attempt, responses, payloads, check)
    if changed:
        Response.objects.bulk_update(changed, SAVED_FIELDS)
    return errors


# What saving an answer writes; grading writes "answer" (late answers are dropped) and these.
SAVED_FIELDS = ["answer", "saved_at", "checked", "auto_score", "needs_marking"]


def _open_attempt(user, key) -> Attempt:
    """The learner's attempt, locked, if answers may still be saved to it."""
    attempt = _locked_attempt(user, key)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise AttemptFinishedError()
    if _deadline_passed(attempt, timezone.now()):
        raise TimeUpError()
    return attempt


def _apply_answers(attempt, responses: dict[int, Response], payloads, check):
    """Validate each payload by its question type and put it on its response: the refusals
    as {position: message}, and the responses changed."""
    errors, changed = {}, []
    after_each = attempt.quiz.feedback_timing == QuizPage.FeedbackTiming.AFTER_EACH
    now = timezone.now()
    for position, payload in payloads.items():
        response = responses.get(position)
        if response is None:
            errors[position] = "That question is not part of this attempt."
            continue
        if response.checked:
            errors[position] = str(AnswerLockedError.message)
            continue
        item = attempt.items[position]
        cls = snapshot_class(item["snapshot"])
        try:
            response.answer = cls.validate_answer(item["snapshot"], payload)
        except AnswerError as error:
            errors[position] = str(error)
            continue
        response.saved_at = now
        if after_each and check == position:
            response.checked = True
            grade = cls.grade_snapshot(item["snapshot"], response.answer, item["order"])
            response.auto_score, response.needs_marking = grade.score, grade.needs_marking
        changed.append(response)
    return errors, changed


@transaction.atomic
def submit_answers(*, user, key, payloads: dict[int, object]) -> dict[int, str]:
    """Save the answers of the last page and submit, in one transaction: one lock, one read
    and one write of the responses, whatever the number of questions. When an answer is
    refused nothing is submitted: the refusals are returned as in `save_answers` (the
    accepted answers are saved) so the learner can look again."""
    attempt = _open_attempt(user, key)
    responses = _all_responses(attempt)
    errors, changed = _apply_answers(
        attempt, {r.position: r for r in responses}, payloads, check=None
    )
    if errors:
        if changed:
            Response.objects.bulk_update(changed, SAVED_FIELDS)
        return errors
    _grade_and_submit(user, attempt, responses, fields=SAVED_FIELDS)
    return {}


def _all_responses(attempt) -> list[Response]:
    return list(
        Response.objects.filter(attempt=attempt).prefetch_related("marks").order_by("position")
    )


def grade_response(item: dict, response: Response):
    cls = snapshot_class(item["snapshot"])
    return cls.grade_snapshot(item["snapshot"], response.answer, item["order"])


def _response_points(item: dict, response: Response) -> float:
    """Points earned by one response, counting the latest mark for written parts."""
    snapshot = item["snapshot"]
    points = snapshot["points"]
    auto = (response.auto_score or 0.0) * points
    mark = response.current_mark
    if snapshot.get("rubric") is None or mark is None:
        return auto
    fraction = mark.points / mark.max_points if mark.max_points else 0.0
    written_share = 1 - snapshot.get("choice_weight", 0) / 100
    return auto + fraction * written_share * points


def _total(attempt: Attempt, responses: list[Response]) -> None:
    earned = sum(_response_points(attempt.items[r.position], r) for r in responses)
    maximum = sum(item["snapshot"]["points"] for item in attempt.items)
    attempt.score = Decimal(str(round(earned, 3)))
    attempt.max_score = Decimal(str(maximum))
    percent = (earned / maximum * 100) if maximum else 0.0
    attempt.percent = Decimal(str(round(percent, 2)))
    attempt.passed = percent >= attempt.quiz.pass_mark


@transaction.atomic
def submit_attempt(*, user, key) -> Attempt:
    """Submit and grade an attempt exactly once. Submitting again returns the graded attempt.
    Late rule (with a time limit): within the quiz's grace period the submission counts in
    full; after it, only answers saved before the deadline are graded, and it is marked late."""
    attempt = _locked_attempt(user, key)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return attempt
    _grade_and_submit(user, attempt, _all_responses(attempt))
    return attempt


GRADED_FIELDS = ("answer", "auto_score", "needs_marking")


def _grade_and_submit(user, attempt, responses, *, fields=GRADED_FIELDS):
    """Grade every response of a locked, open attempt, write them (`fields`) and the attempt,
    and complete the course if the attempt passed it."""
    now = timezone.now()
    cutoff = None
    if attempt.deadline and now > attempt.deadline + timedelta(
        seconds=attempt.quiz.late_grace_seconds
    ):
        attempt.late = True
        cutoff = attempt.deadline
    for response in responses:
        if cutoff and response.saved_at > cutoff and not response.checked:
            response.answer = None
        grade = grade_response(attempt.items[response.position], response)
        response.auto_score, response.needs_marking = grade.score, grade.needs_marking
    Response.objects.bulk_update(responses, list(fields))
    attempt.submitted_at = now
    _total(attempt, responses)
    if any(r.needs_marking for r in responses):
        attempt.status = Attempt.Status.AWAITING_MARKING
        attempt.passed = None
    else:
        attempt.status = Attempt.Status.GRADED
        attempt.released_at = now
    attempt.save()
    if attempt.status == Attempt.Status.GRADED and attempt.passed:
        _refresh_course_completion(user=user, quiz=attempt.quiz)


@transaction.atomic
def mark_response(*, marker, response_id: int, levels: list[int], feedback: str = "") -> Mark:
    """Record a trainer's rubric mark. Remarking adds a new mark that supersedes the last;
    nothing is overwritten. When every written part is marked the attempt is graded (results
    reach the learner once released)."""
    response = (
        Response.objects.select_related("attempt", "attempt__quiz").filter(pk=response_id).first()
    )
    if response is None or not response.needs_marking:
        raise MarkingError(message="That answer does not need marking.")
    attempt = Attempt.objects.select_for_update().get(pk=response.attempt_id)
    if attempt.user_id == marker.pk:
        raise MarkingError(message="You cannot mark your own answers.")
    rubric = attempt.items[response.position]["snapshot"].get("rubric") or []
    if len(levels) != len(rubric) or any(
        not isinstance(level, int) or not 0 <= level < len(c["levels"])
        for level, c in zip(levels, rubric, strict=False)
    ):
        raise MarkingError(message="Choose one level for every criterion of the rubric.")
    points = sum(c["levels"][level]["points"] for level, c in zip(levels, rubric, strict=True))
    previous = response.marks.order_by("-marked_at", "-pk").first()
    mark = Mark.objects.create(
        response=response,
        marker=marker,
        levels=levels,
        points=points,
        max_points=rubric_max(rubric),
        feedback=feedback.strip()[:5000],
        supersedes=previous,
    )
    responses = list(
        Response.objects.filter(attempt=attempt).prefetch_related("marks").order_by("position")
    )
    if all(r.marks.exists() for r in responses if r.needs_marking):
        attempt.quiz = response.attempt.quiz
        _total(attempt, responses)
        attempt.status = Attempt.Status.GRADED
        attempt.save(update_fields=["score", "max_score", "percent", "passed", "status"])
    return mark


@transaction.atomic
def release_results(*, attempt_id: int) -> Attempt:
    """Let the learner see a marked attempt's result. Idempotent."""
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id)
    if attempt.status != Attempt.Status.GRADED:
        raise MarkingError(message="Mark every written answer before releasing the result.")
    if attempt.released_at is None:
        attempt.released_at = timezone.now()
        attempt.save(update_fields=["released_at"])
        if attempt.passed:
            _refresh_course_completion(user=attempt.user, quiz=attempt.quiz)
    return attempt


def _refresh_course_completion(*, user, quiz: QuizPage) -> None:
    complete_if_met(user=user, enrolment=lock_enrolment_above(user=user, page=quiz))
