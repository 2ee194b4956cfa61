"""Prepare the database for bench.learning, in its own process with the benchmark settings:
migrate, collect static files, seed the demo, add the benchmark learners, and count the SQL
queries each measured endpoint makes. Writes what it did as JSON to --output.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.learning_setup --output setup.json \
        --learners 50 --course boundaries --measure bare=/healthz/ --measure dashboard=/learn/
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import django


def learner_email(number: int) -> str:
    return f"bench-learner-{number:02d}@peerpath.example"


def completed_lessons(number: int, lessons: int) -> int:
    """How many lessons of the course learner `number` has completed: 0, 1, ... lessons-1, and
    round again, so the learners are spread through the course and none has finished it."""
    return number % lessons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--course", default="boundaries")
    parser.add_argument("--measure", action="append", default=[], metavar="NAME=PATH")
    args = parser.parse_args()

    django.setup()

    timings = {}
    learners = prepare_site(timings, learners=args.learners, course_slug=args.course)

    measure = dict(item.split("=", 1) for item in args.measure)
    with timed(timings, "query_counts"):
        queries = count_queries(measure, email=learners["sample_learner"])

    result = {
        "database": describe_database(),
        "cache": describe_cache(),
        "learners": learners,
        "queries": queries,
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    args.output.write_text(json.dumps(result, indent=2))


@contextmanager
def timed(timings: dict, name: str):
    """Record how long the block took under `name`."""
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started


def prepare_site(timings: dict, *, learners: int, course_slug: str) -> dict:
    """The setup every benchmark shares: migrate, static files, the demo, bench learners."""
    from django.core.management import call_command

    with timed(timings, "migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with timed(timings, "collectstatic"):
        collect_static()
    with timed(timings, "seed_demo"):
        call_command("seed_demo", quiet=True)
    with timed(timings, "learners"):
        return add_learners(count=learners, course_slug=course_slug)


def collect_static() -> None:
    """Collect static files for the production storage (its manifest is needed to render any
    page), unless the files collected last time are still current: it takes longer than
    anything else in the setup and does not change between runs."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    fingerprint = hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()
    root = Path(settings.STATIC_ROOT)
    stamp = root / ".bench-fingerprint"
    current = stamp.exists() and stamp.read_text() == fingerprint
    if current and (root / "staticfiles.json").exists():
        return
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    stamp.write_text(fingerprint)


def add_learners(*, count: int, course_slug: str) -> dict:
    """Learners enrolled on the course through the service, spread through it by completed
    lessons. One password hash for all of them: hashing is deliberately slow and the hash
    is not what is measured."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from courses import services
    from courses.models import CoursePage, LessonPage
    from lms.accounts.demo import DEMO_PASSWORD
    from lms.accounts.models import User

    course = CoursePage.objects.live().get(slug=course_slug)
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    password = make_password(DEMO_PASSWORD)
    emails, completed = [], {}
    with transaction.atomic():
        for number in range(1, count + 1):
            user = User.objects.create(
                email=learner_email(number),
                legal_name=f"Bench Learner {number:02d}",
                password=password,
            )
            services.enrol_learner(user=user, course=course)
            done = completed_lessons(number, len(lessons))
            for lesson in lessons[:done]:
                services.complete_lesson(user=user, lesson=lesson)
            emails.append(user.email)
            completed[user.email] = done
    sample = next((e for e, done in completed.items() if done), emails[0])
    return {
        "course": course_slug,
        "lessons_in_course": len(lessons),
        "count": count,
        "emails": emails,
        "password": DEMO_PASSWORD,
        "completed_lessons": completed,
        "sample_learner": sample,
    }


def count_queries(paths: dict[str, str], *, email: str) -> dict:
    """SQL queries one request to each path makes, for one signed-in learner, once the
    learner's first visit (which writes) and the per-process caches are behind it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lms.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    counts = {}
    for name, path in paths.items():
        for _ in range(2):
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}, not 200")
        counts[name] = {
            "path": path,
            "count": len(captured.captured_queries),
            "sql": [query["sql"][:4000] for query in captured.captured_queries],
        }
    return counts


def describe_database() -> dict:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.parameter_status("server_version")
    elif connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        version = None
    return {
        "engine": connection.vendor,
        "version": version,
        "conn_max_age": connection.settings_dict.get("CONN_MAX_AGE"),
    }


def describe_cache() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"]


if __name__ == "__main__":
    main()
