"""Prepare the database for bench.quiz, in its own process with the benchmark settings:
migrate, collect static files, seed the demo, add the benchmark learners, build a 10-question
auto-graded quiz under a module of the course, count the SQL queries of one submission, and
time grading in-process for quizzes of growing size. Writes what it did as JSON to --output.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.quiz_setup --output setup.json \
        --learners 20 --course boundaries
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import django

# Auto-graded types only, so every submission is graded at once (no trainer marking).
KINDS = [
    "single_choice",
    "multiple_response",
    "true_false",
    "ordering",
    "matching",
    "scenario_judgement",
]
QUESTIONS = 10
LINEARITY_SIZES = (10, 50, 100)
TAG = "bench-quiz"


def question_spec(kind: str, number: int) -> dict:
    """A question of `kind`, its stem numbered so every question has its own title."""
    stem = f"<p>Bench question {number}: {kind.replace('_', ' ')}.</p>"
    if kind == "single_choice":
        return {
            "type": kind,
            "stem": stem,
            "feedback": "Peer work is non-clinical.",
            "options": [
                {"text": "Therapist", "correct": False, "feedback": "Therapy is clinical."},
                {"text": "Peer worker", "correct": True, "feedback": "Yes."},
                {"text": "Sponsor", "correct": False, "feedback": "Inside a fellowship."},
            ],
        }
    if kind == "multiple_response":
        return {
            "type": kind,
            "stem": stem,
            "options": [
                {"text": "Your hours", "correct": True},
                {"text": "Confidentiality and its limits", "correct": True},
                {"text": "Your full using history", "correct": False},
                {"text": "Your personal number", "correct": False},
            ],
        }
    if kind == "true_false":
        return {"type": kind, "stem": stem, "answer": False, "explanation": "Notes help."}
    if kind == "ordering":
        return {"type": kind, "stem": stem, "items": ["Avoid", "Disclose", "Consult", "Record"]}
    if kind == "matching":
        return {
            "type": kind,
            "stem": stem,
            "pairs": [
                {"left": "Sponsor", "right": "Fellowship guide"},
                {"left": "Clinician", "right": "Diagnoses"},
                {"left": "Peer worker", "right": "Lived experience on purpose"},
            ],
        }
    return {
        "type": "scenario_judgement",
        "stem": stem,
        "options": [
            {"text": "Explain the role, help find a sponsor", "rationale": "Honest and kind."},
            {"text": "Take it to supervision first", "rationale": "Good, slower."},
            {"text": "Change the subject", "rationale": "Avoids it."},
            {"text": "Agree", "rationale": "Mixes roles."},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--course", default="boundaries")
    parser.add_argument("--grading-attempts", type=int, default=20)
    args = parser.parse_args()

    django.setup()

    from bench.learning_setup import describe_cache, describe_database, prepare_site, timed

    timings = {}
    learners = prepare_site(timings, learners=args.learners, course_slug=args.course)

    with timed(timings, "quiz"):
        questions = build_questions(max(LINEARITY_SIZES))
        quiz = build_quiz(args.course, questions[:QUESTIONS], slug="bench-quiz")
    with timed(timings, "query_counts"):
        queries = count_submission_queries(quiz, email=learners["sample_learner"])
    with timed(timings, "grading_linearity"):
        grading = grading_linearity(args.course, questions, attempts=args.grading_attempts)

    result = {
        "database": describe_database(),
        "cache": describe_cache(),
        "learners": learners,
        "quiz": {
            "id": quiz.pk,
            "url": quiz.url,
            "questions": QUESTIONS,
            "types": [q.type_key for q in questions[:QUESTIONS]],
            "answer_key": answer_key(quiz),
        },
        "queries": queries,
        "grading": grading,
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    args.output.write_text(json.dumps(result, indent=2))


def build_questions(count: int) -> list:
    from courses.demo import build_question

    return [build_question(question_spec(KINDS[n % len(KINDS)], n + 1), TAG) for n in range(count)]


def build_quiz(course_slug: str, questions: list, *, slug: str):
    """A fixed quiz under the course's first module: no attempt limit, no cool-down."""
    from courses.models import CoursePage, ModulePage, QuizPage, QuizQuestion

    course = CoursePage.objects.live().get(slug=course_slug)
    module = ModulePage.objects.live().child_of(course).order_by("path").first()
    quiz = QuizPage(
        title=f"Bench quiz ({len(questions)} questions)",
        slug=slug,
        attempts_allowed=0,
        cooldown_minutes=0,
        shuffle_options=True,
    )
    for order, question in enumerate(questions):
        quiz.quiz_questions.add(QuizQuestion(question=question, sort_order=order))
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def answer_key(quiz) -> list[dict]:
    """What a learner who knows the answers sends, per position, in terms the attempt page
    shows: option ids for radios and checkboxes, item ids and ranks for position selects, and
    for matching the text of the right-hand answer (its value on the page is shuffled)."""
    from courses import services

    keys = []
    for question in services.draw_questions(quiz=quiz, seed=0):  # fixed quiz, not shuffled
        s = question.snapshot()
        kind = s["type"]
        if kind == "single_choice":
            keys.append(
                {"type": kind, "value": next(o["id"] for o in s["options"] if o["correct"])}
            )
        elif kind == "multiple_response":
            keys.append({"type": kind, "values": [o["id"] for o in s["options"] if o["correct"]]})
        elif kind == "true_false":
            keys.append({"type": kind, "value": "true" if s["answer"] else "false"})
        elif kind == "ordering":
            keys.append(
                {"type": kind, "ranks": {it["id"]: n for n, it in enumerate(s["items"], 1)}}
            )
        elif kind == "scenario_judgement":
            keys.append(
                {"type": kind, "ranks": {it["id"]: n for n, it in enumerate(s["options"], 1)}}
            )
        elif kind == "matching":
            keys.append({"type": kind, "texts": {p["id"]: p["right"] for p in s["pairs"]}})
        else:
            raise SystemExit(f"Unexpected question type {kind}")
    return keys


def correct_form(attempt) -> dict:
    """The form a learner who knows every answer would send (as tests/courses/test_attempts)."""
    from courses.models import snapshot_class

    data = {}
    for position, item in enumerate(attempt.items):
        cls = snapshot_class(item["snapshot"])
        key = cls.answer_key(item["snapshot"], item["order"])
        for name, value in cls.form_fields(key, f"q{position}"):
            data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def count_submission_queries(quiz, *, email: str) -> dict:
    """SQL queries of one POST of the attempt form with action=submit (saving the ten answers,
    then grading), for one signed-in learner, after a first attempt has warmed the caches."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from courses.models import Attempt
    from lms.accounts.models import User

    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for warm in (True, False):
        response = client.post(reverse("learn:start_attempt", args=[quiz.pk]))
        if response.status_code != 302:
            raise SystemExit(f"Starting an attempt answered {response.status_code}, not 302")
        attempt = Attempt.objects.get(user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS)
        url = reverse("learn:attempt", kwargs={"key": attempt.key})
        client.get(url)
        data = {**correct_form(attempt), "action": "submit"}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data)
        if response.status_code != 302:
            raise SystemExit(f"Submitting answered {response.status_code}, not 302")
        attempt.refresh_from_db()
        if attempt.status != Attempt.Status.GRADED or not attempt.passed:
            raise SystemExit(f"The correct answers were not graded as a pass: {attempt.percent}%")
        if warm:
            continue
    return {
        "submit": {
            "path": "/learn/attempts/<key>/ (POST, action=submit)",
            "count": len(captured.captured_queries),
            "sql": [query["sql"][:4000] for query in captured.captured_queries],
        }
    }


def grading_linearity(course_slug: str, questions: list, *, attempts: int) -> dict:
    """services.submit_attempt timed alone, for quizzes of growing size, each attempt's answers
    saved beforehand through services.save_answer. One bench learner, enrolled on the course."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from courses import services
    from courses.models import CoursePage, snapshot_class
    from lms.accounts.models import User

    course = CoursePage.objects.live().get(slug=course_slug)
    user = User.objects.create(email="bench-grader@peerpath.example", legal_name="Bench Grader")
    services.enrol_learner(user=user, course=course)
    sizes = {}
    for size in LINEARITY_SIZES:
        quiz = build_quiz(course_slug, questions[:size], slug=f"bench-grading-{size}")
        times, query_counts = [], []
        for _ in range(attempts + 1):  # the first is a warm-up
            attempt = services.start_attempt(user=user, quiz=quiz)
            form = QueryDict(mutable=True)
            for name, value in correct_form(attempt).items():
                form.setlist(name, value if isinstance(value, list) else [value])
            for position, item in enumerate(attempt.items):
                cls = snapshot_class(item["snapshot"])
                services.save_answer(
                    user=user,
                    key=attempt.key,
                    position=position,
                    payload=cls.payload_from_form(form, f"q{position}"),
                )
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                graded = services.submit_attempt(user=user, key=attempt.key)
                times.append(time.perf_counter() - started)
            query_counts.append(len(captured.captured_queries))
            if not graded.passed:
                raise SystemExit(f"Grading {size} correct answers gave {graded.percent}%")
        times, query_counts = times[1:], query_counts[1:]
        median_ms = statistics.median(times) * 1000
        sizes[str(size)] = {
            "questions": size,
            "attempts": len(times),
            "ms_per_attempt_median": round(median_ms, 3),
            "ms_per_attempt_mean": round(statistics.mean(times) * 1000, 3),
            "ms_per_question": round(median_ms / size, 4),
            "queries_per_submit": statistics.median_low(query_counts),
        }
    # Least squares through the medians: a fixed cost per attempt plus a cost per question.
    xs = [v["questions"] for v in sizes.values()]
    ys = [v["ms_per_attempt_median"] for v in sizes.values()]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    intercept = my - slope * mx
    residual = max(abs(y - (intercept + slope * x)) for x, y in zip(xs, ys, strict=True))
    small, large = sizes[str(min(xs))], sizes[str(max(xs))]
    return {
        "what": "services.submit_attempt alone (in-process, same database), median of "
        f"{attempts} attempts per size after one warm-up; all answers correct",
        "sizes": sizes,
        "ms_per_question_ratio_largest_to_smallest": round(
            large["ms_per_question"] / small["ms_per_question"], 3
        ),
        "fit": {
            "fixed_ms_per_attempt": round(intercept, 3),
            "ms_per_question": round(slope, 4),
            "max_residual_ms": round(residual, 3),
        },
    }


if __name__ == "__main__":
    main()
