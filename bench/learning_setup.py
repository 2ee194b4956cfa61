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
    parser.add_argument(
        "--practicum-sessions",
        type=int,
        default=0,
        help="add a placement (trainee, supervisor, entries) and this many signed-in sessions "
        "for each of its two people",
    )
    args = parser.parse_args()

    django.setup()

    timings = {}
    learners = prepare_site(timings, learners=args.learners, course_slug=args.course)

    measure = dict(item.split("=", 1) for item in args.measure)
    practicum = None
    if args.practicum_sessions:
        with timed(timings, "practicum"):
            practicum = add_placement(sessions=args.practicum_sessions)
    with timed(timings, "query_counts"):
        queries = count_queries(measure, email=learners["sample_learner"])
        if practicum:
            for name, path in practicum["paths"].items():
                who = practicum["people"][name]
                queries.update(count_queries({name: path}, email=who, second_step=True))

    result = {
        "database": describe_database(),
        "cache": describe_cache(),
        "learners": learners,
        "queries": queries,
        "practicum": practicum,
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


PRACTICUM_ENTRIES = 40  # two hours each: 80 hours, as peer-foundations asks
PRACTICUM_WAITING = 10  # of them sent and not yet decided: the supervisor's queue
PRACTICUM_TRAINEE = "bench-trainee@peerpath.example"


def build_placement(*, trainee, supervisor, slug: str, entries: int, waiting: int = 0):
    """An agreed placement of `trainee` at a new placement host, supervised by `supervisor`,
    with `entries` two-hour entries on the days before today, logged and sent through the
    practicum services, and all but the newest `waiting` approved (hash, qualification and
    audit event, as a supervisor's approval leaves them)."""
    from datetime import time, timedelta

    from django.utils import timezone

    from certification.practicum.models import ActivityType, PracticumEntry
    from certification.practicum.services import practicum as practicum_services
    from lms.accounts.models import Membership, Organisation

    host = Organisation.objects.create(
        name="Harbour Lights Peer Centre", slug=slug, kind=Organisation.Kind.PLACEMENT_HOST
    )
    Membership.objects.create(user=supervisor, organisation=host, role=Membership.Role.SUPERVISOR)
    today = timezone.localdate()
    placement = practicum_services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification="Certified Peer Supervisor",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=30),
    )
    for person in (trainee, supervisor):
        practicum_services.accept_agreement(placement_id=placement.pk, user=person)
    activities = list(ActivityType.objects.filter(counts_as_supervision=False).order_by("pk"))
    entry_ids = [
        practicum_services.save_entry(
            trainee=trainee,
            placement_id=placement.pk,
            date=today - timedelta(days=day),
            start_time=time(9, 0),
            minutes=120,
            setting=PracticumEntry.Setting.COMMUNITY,
            activity=activities[day % len(activities)],
            description="Benchmark entry: supported a person to prepare for an appointment.",
        ).pk
        for day in range(1, entries + 1)
    ]
    practicum_services.submit_entries(trainee=trainee, entry_ids=entry_ids)
    practicum_services.approve_entries(supervisor=supervisor, entry_ids=entry_ids[waiting:])
    return placement


def add_placement(*, sessions: int) -> dict:
    """A trainee's placement (`build_placement`) of PRACTICUM_ENTRIES entries, the newest
    PRACTICUM_WAITING of them waiting for the supervisor, who has an authenticator app as
    the site requires; `sessions` signed-in sessions for each of the two, the supervisor's
    past the code step."""
    from django.urls import reverse
    from django.utils import timezone

    from lms.accounts import totp
    from lms.accounts.models import TOTPDevice, User

    trainee = User.objects.create(email=PRACTICUM_TRAINEE, legal_name="Jo Bench")
    supervisor = User.objects.create(
        email="bench-supervisor@peerpath.example", legal_name="Marcus Bench"
    )
    TOTPDevice.objects.create(
        user=supervisor, secret=totp.new_secret(), confirmed_at=timezone.now()
    )
    placement = build_placement(
        trainee=trainee,
        supervisor=supervisor,
        slug="harbour-lights-learning-bench",
        entries=PRACTICUM_ENTRIES,
        waiting=PRACTICUM_WAITING,
    )
    people = {"placement": trainee.email, "supervise": supervisor.email}
    return {
        "entries": PRACTICUM_ENTRIES,
        "waiting": PRACTICUM_WAITING,
        "people": people,
        "paths": {
            "placement": reverse("practicum:placement", args=[placement.pk]),
            "supervise": reverse("practicum:supervise", args=[placement.pk]),
        },
        "sessions": {
            "placement": make_sessions([trainee.email] * sessions),
            "supervise": make_sessions([supervisor.email] * sessions, second_step=True),
        },
    }


def make_sessions(emails: list[str], *, second_step: bool = False) -> list[str]:
    """One signed-in session per email, exactly as django.contrib.auth.login stores it (made
    here, so a load test does not spend the server's CPU hashing passwords); `second_step`:
    marked as past the code step, as giving a code marks it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from lms.accounts import second_step as code_step
    from lms.accounts.models import User

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = []
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    for email in emails:
        user = users[email]
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if second_step:
            code_step.mark_verified(session, user)
        session.create()
        keys.append(session.session_key)
    return keys


def count_queries(paths: dict[str, str], *, email: str, second_step: bool = False) -> dict:
    """SQL queries one request to each path makes, for one signed-in person, once their
    first visit (which writes) and the per-process caches are behind it. `second_step`:
    the session has passed the code step (staff and supervisors)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lms.accounts import second_step as code_step
    from lms.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(email=email)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if second_step:
        session = client.session
        code_step.mark_verified(session, user)
        session.save()
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
