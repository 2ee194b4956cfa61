"""Profile: where a signed-in learner's pages spend their time, in this process (no server).

    .venv/bin/python -m bench.profile_pages [--label before] [--requests 200] [--redis-url URL]

Production settings (bench.settings) on a SQLite file under var/profile/ (set up on the first
run: migrate, static files, the demo, one benchmark learner part-way through Boundaries), a
test client signed in as that learner, and each page requested `--requests` times under
cProfile once the caches are warm. Writes, for each page, var/profile/<label>-<page>.txt: the
SQL queries of one warm request, then the functions by own time and by cumulative time.
With --redis-url (or REDIS_URL) the cache is Redis, as in production; else process memory.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

from . import runner

OUT = runner.WORK_DIR.parent / "profile"
PAGES = {
    "lesson": "/courses/boundaries/roles/peer-role/",
    "course": "/courses/boundaries/",
    "module": "/courses/boundaries/roles/",
    "dashboard": "/learn/",
    "bare": "/healthz/",
}
# The practicum pages (bench.learning_setup.add_placement: 40 entries, 10 waiting), as the
# trainee and as the supervisor past the code step; their paths are known once it is made.
PRACTICUM_PAGES = ("placement", "supervise")
TOP = 25


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="now", help="file name prefix (now)")
    parser.add_argument("--requests", type=int, default=200, help="profiled requests per page")
    parser.add_argument("--only", default="", help="comma-separated pages (default: all)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--fresh", action="store_true", help="set the database up again")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "profile.sqlite3"
    if args.fresh and database.exists():
        database.unlink()
    fresh = not database.exists()
    env = runner.site_environment(f"sqlite:///{database}", redis_url=args.redis_url or None)
    runner.setup_django_in_process(env, migrate=fresh)
    from bench import learning_setup

    learning_setup.collect_static()
    if fresh:
        from django.core.management import call_command

        call_command("seed_demo", quiet=True)
        learning_setup.add_learners(count=3, course_slug="boundaries")
    if not practicum_placement_exists():  # a database set up before the practicum pages
        learning_setup.add_placement(sessions=0)
    email = learning_setup.learner_email(2)  # part-way through the course
    practicum = practicum_pages()

    pages = {**PAGES, **{name: practicum[name][0] for name in PRACTICUM_PAGES}}
    pages = {k: v for k, v in pages.items() if not args.only or k in args.only.split(",")}
    for name, path in pages.items():
        if name in practicum:
            client = session_client(practicum[name][1])
        else:
            client = signed_in_client(email)
        text = profile_page(path, client=client, requests=args.requests)
        target = OUT / f"{args.label}-{name}.txt"
        target.write_text(text)
        print(f"{name}: {text.splitlines()[0]} -> {target}")
    return 0


def signed_in_client(email: str):
    from django.test import Client

    from lms.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def practicum_placement_exists() -> bool:
    from bench.learning_setup import PRACTICUM_TRAINEE
    from certification.practicum.models import Placement

    return Placement.objects.filter(trainee__email=PRACTICUM_TRAINEE).exists()


def practicum_pages() -> dict[str, tuple[str, str]]:
    """{page: (path, email of the person who reads it)} of the benchmark's placement."""
    from django.urls import reverse

    from bench.learning_setup import PRACTICUM_TRAINEE
    from certification.practicum.models import Placement

    placement = Placement.objects.select_related("trainee").get(trainee__email=PRACTICUM_TRAINEE)
    supervisor = placement.supervisors.get().email
    return {
        "placement": (reverse("practicum:placement", args=[placement.pk]), placement.trainee.email),
        "supervise": (reverse("practicum:supervise", args=[placement.pk]), supervisor),
    }


def session_client(email: str):
    """A test client with a session past the code step, as a supervisor's after their code."""
    from django.conf import settings
    from django.test import Client

    from bench import learning_setup

    client = Client(HTTP_HOST="127.0.0.1")
    key = learning_setup.make_sessions([email], second_step=True)[0]
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def profile_page(path: str, *, client, requests: int) -> str:
    """The page's queries and profile, as text whose first line is the summary."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: first visit writes, per-process and Redis caches fill
        assert client.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = [q["sql"] for q in captured.captured_queries]

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    per_request = 1000 * (time.perf_counter() - started) / requests

    out = io.StringIO()
    out.write(
        f"{path}: {per_request:.2f} ms per request under cProfile, {len(queries)} queries "
        f"({requests} requests)\n\nQueries of one warm request:\n"
    )
    for number, sql in enumerate(queries, 1):
        out.write(f"{number:3}. {sql[:300]}\n")
    for order in ("tottime", "cumulative"):
        out.write(f"\nTop {TOP} by {order}:\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(TOP)
    return out.getvalue()


if __name__ == "__main__":
    raise SystemExit(main())
