"""Prepare the database for bench.learners, in its own process with the benchmark settings:
the shared setup (migrate, static files, demo, enrolled learners), a 10-question quiz on
Boundaries, a generated large course, one signed-in session per learner (made here, so the
load test does not spend the server's CPU on hashing 200 passwords), and the SQL queries of
the lesson page in the small and the large course. Writes what it did as JSON to --output.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.learners_setup --output setup.json \
        --learners 200
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import django

COURSE = "boundaries"
LARGE_COURSE = "bench-large-course"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--large-modules", type=int, default=8)
    parser.add_argument("--large-lessons", type=int, default=8, help="lessons per module")
    args = parser.parse_args()

    django.setup()

    from bench.learning_setup import (
        describe_cache,
        describe_database,
        make_sessions,
        prepare_site,
        timed,
    )
    from bench.quiz_setup import answer_key, build_questions, build_quiz

    timings: dict = {}
    learners = prepare_site(timings, learners=args.learners, course_slug=COURSE)
    with timed(timings, "quiz"):
        quiz = build_quiz(COURSE, build_questions(10), slug="bench-quiz")
    with timed(timings, "large_course"):
        large = build_large_course(modules=args.large_modules, lessons=args.large_lessons)
    with timed(timings, "sessions"):
        sessions = make_sessions(learners["emails"])
    with timed(timings, "lessons"):
        lessons = lesson_targets(COURSE)
    with timed(timings, "query_counts"):
        queries = lesson_queries(learners["sample_learner"], large)

    result = {
        "database": describe_database(),
        "cache": describe_cache(),
        "learners": {k: v for k, v in learners.items() if k != "completed_lessons"},
        "sessions": sessions,
        "lessons": lessons,
        "quiz": {"id": quiz.pk, "url": quiz.url, "answer_key": answer_key(quiz)},
        "large_course": {k: v for k, v in large.items() if k != "course"},
        "queries": queries,
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    args.output.write_text(json.dumps(result, indent=2))


def build_large_course(*, modules: int, lessons: int) -> dict:
    """A course of modules x lessons made from Boundaries' own lesson bodies, so that the
    lesson page can be compared in a small and a large course."""
    from courses.demo import load_course, seed_course
    from courses.models import CourseIndexPage

    source = load_course(COURSE)
    bodies = [lesson for module in source["modules"] for lesson in module["lessons"]]
    data = {
        "title": "Benchmark large course",
        "slug": LARGE_COURSE,
        "summary": "Generated for benchmarks.",
        "modules": [
            {
                "title": f"Module {m + 1}",
                "slug": f"module-{m + 1}",
                "lessons": [
                    {
                        **bodies[(m * lessons + n) % len(bodies)],
                        "slug": f"lesson-{m + 1}-{n + 1}",
                        "title": f"Lesson {m + 1}.{n + 1}",
                    }
                    for n in range(lessons)
                ],
            }
            for m in range(modules)
        ],
    }
    course = seed_course(CourseIndexPage.objects.first(), data)
    return {"course": course, "slug": LARGE_COURSE, "lessons": modules * lessons}


def lesson_targets(course_slug: str) -> list[dict]:
    """The lessons the simulated learners read: URL path and id (for the progress POSTs)."""
    from courses.models import CoursePage, LessonPage

    course = CoursePage.objects.live().get(slug=course_slug)
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    return [{"id": lesson.pk, "path": lesson.url} for lesson in lessons]


def lesson_queries(email: str, large: dict) -> dict:
    """Queries of one lesson page (the learner's third visit) in the small and the large
    course, for a learner enrolled in both."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses import services
    from courses.models import CoursePage, LessonPage
    from lms.accounts.models import User

    user = User.objects.get(email=email)
    services.enrol_learner(user=user, course=large["course"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    counts = {}
    for slug in (COURSE, large["slug"]):
        course = CoursePage.objects.live().get(slug=slug)
        lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
        lesson = lessons[len(lessons) // 2]
        for _ in range(2):
            client.get(lesson.url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(lesson.url)
        if response.status_code != 200:
            raise SystemExit(f"GET {lesson.url} answered {response.status_code}, not 200")
        counts[slug] = {
            "path": lesson.url,
            "lessons_in_course": len(lessons),
            "count": len(captured.captured_queries),
            "sql": [q["sql"][:2000] for q in captured.captured_queries],
        }
    return counts


if __name__ == "__main__":
    main()
