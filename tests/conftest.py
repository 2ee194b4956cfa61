"""Shared fixtures. Tests that need a browser or a real service skip with a message saying
what to install or start; with PEERPATH_REQUIRE_ALL=1 (set by CI) they fail instead, so CI
can never pass by skipping."""

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test.client import ClientMixin

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_ALL = os.environ.get("PEERPATH_REQUIRE_ALL") == "1"

_force_login = ClientMixin.force_login


def _force_login_with_the_second_step(self, user, backend=None):
    """Tests sign people in directly with `force_login`: as if they had given their
    password and, where they have an authenticator, a code (lms/accounts/second_step.py).
    The tests of the ways in sign in through the real forms instead."""
    from lms.accounts import second_step, services

    _force_login(self, user, backend)
    if services.confirmed_device(user) is not None:
        session = self.session
        second_step.mark_verified(session, user)
        session.save()


ClientMixin.force_login = _force_login_with_the_second_step


# --- How `make test` shares the suite between two (or more) xdist workers -----------------
# It runs with `--dist loadfile --no-loadscope-reorder`. Each file is one unit of work, so its
# module and package fixtures are built once per file. The long files in SPLIT_PER_TEST are
# made of independent tests (one form fuzzed, one URL requested by every role), so each of
# their tests is a unit of its own and both workers share them; a worker that takes several
# in a row builds the file's world once. Units are handed out longest first, so the many short
# files fill the end and the workers finish together instead of one worker running a long
# file alone at the end. (`--dist loadgroup` with xdist_group marks would say the same, but
# pytest-xdist 3.8 cannot add the group to a test id under pytest 9, so it runs each test
# as its own unit.)
SPLIT_PER_TEST = ("tests/fuzz/test_forms_", "tests/security/test_access_matrix.py")
LONGEST_FIRST = (
    "tests/fuzz/test_forms_signing.py",
    "tests/fuzz/",
    "tests/faults/",
    "tests/security/test_probe.py",
    "tests/security/test_access_matrix.py",
    "tests/e2e/",
)


def _rank(item) -> int:
    path = item.path.relative_to(ROOT).as_posix()
    return next(
        (n for n, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)),
        len(LONGEST_FIRST),
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # On an xdist worker: the controller hands the units out in the order collected.
    if hasattr(config, "workerinput"):
        items.sort(key=_rank)  # stable: within a rank, files and tests keep their order


@pytest.hookimpl(optionalhook=True)  # an xdist hook: runs with -p no:xdist must not fail
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, with each test of the files in SPLIT_PER_TEST a unit of its own."""
    if config.getoption("dist") != "loadfile":
        return None  # xdist's own scheduler for the other modes
    from xdist.scheduler import LoadScopeScheduling

    class LoadFileSplittingLongFiles(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path.startswith(SPLIT_PER_TEST) else path

    return LoadFileSplittingLongFiles(config, log)


def skip_or_fail(reason: str):
    """Skip locally with a reason; fail under CI, where everything must run."""
    if REQUIRE_ALL:
        pytest.fail(f"PEERPATH_REQUIRE_ALL=1 but: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _fresh_process_values():
    """Values kept per process (lms.cache.kept) start empty in every test: a rolled-back
    test leaves its ids free for the next one, and no signal said its rows went away."""
    from lms.cache import forget_process_values

    forget_process_values()
    yield


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    if not port_open(url, 6379):
        skip_or_fail(f"Redis is not reachable at {url}: start redis-server or set REDIS_URL.")
    return url


@pytest.fixture
def site(db):
    """The demo site: home page, about page, branding and support settings."""
    from cms.demo import seed_site

    return seed_site()


@pytest.fixture
def roles(db):
    from lms.accounts.services import sync_role_groups

    sync_role_groups()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Northside Recovery College", slug="northside")


@pytest.fixture
def trainee(db, organisation):
    user = UserFactory(legal_name="Jordan Avery Ellis", preferred_name="Jordan")
    MembershipFactory(user=user, organisation=organisation, role="trainee")
    return user


@pytest.fixture
def org_admin(db, organisation):
    user = UserFactory(legal_name="Helen Okafor")
    MembershipFactory(user=user, organisation=organisation, role="org_admin")
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(legal_name="Sam Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def trainer(roles, organisation):
    from django.contrib.auth.models import Group

    user = UserFactory(legal_name="Priya Natarajan", is_staff=True)
    user.groups.add(Group.objects.get(name="Trainers"))
    MembershipFactory(user=user, organisation=organisation, role="trainer")
    return user


@pytest.fixture
def registrar(roles):
    from django.contrib.auth.models import Group

    user = UserFactory(legal_name="Ana Souza", is_staff=True)
    user.groups.add(Group.objects.get(name="Registrars"))
    return user


def database_url_for_subprocess() -> str:
    """The URL of the database this test uses, for a subprocess (a Celery worker) to share."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        name = str(s["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            skip_or_fail("An in-memory SQLite database cannot be shared with a worker process.")
        return f"sqlite:///{name}"
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(redis_url, transactional_db):
    """Start a real Celery worker (a separate process) on a private queue of the Redis broker,
    sharing this test's database. Yields a namespace with the queue, a sender app, the
    process and its log file."""
    import subprocess
    import sys
    import uuid
    from types import SimpleNamespace

    from celery import Celery

    queue = f"peerpath-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "PEERPATH_TEST_EAGER": "0",
    }
    log_path = ROOT / "var" / f"{queue}.log"
    log = open(log_path, "w")  # noqa: SIM115 - stays open for the worker's whole life
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Wait until it consumes: on a loaded machine importing Django and WeasyPrint can take
    # longer than a test's own wait for its task.
    import time

    deadline = time.monotonic() + 240
    while " ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise AssertionError(f"the Celery worker did not start; see {log_path}")
        time.sleep(0.25)
    # Not the current app: tasks this test process queues later must stay with the project app.
    sender = Celery("sender", broker=redis_url, set_as_current=False)
    try:
        yield SimpleNamespace(queue=queue, sender=sender, process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        sender.close()


@pytest.fixture(scope="session")
def s3_server():
    """moto's standalone S3 server (tests/s3.py), one per test process, started on first use."""
    from tests.s3 import MotoServer, moto_available

    if not moto_available():
        skip_or_fail("moto is not installed: make install-dev (the dev extra has moto[server]).")
    (ROOT / "var").mkdir(exist_ok=True)
    server = MotoServer(ROOT / "var" / f"moto-{os.getpid()}.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    """Files in a new bucket of the local S3 server, exactly as PEERPATH_S3_BUCKET configures
    them (lms/storage.py). Yields a namespace: bucket, endpoint_url, client (boto3)."""
    from types import SimpleNamespace

    from lms.storage import storages
    from tests.s3 import CREDENTIALS

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = s3_server.new_bucket()
    # Django's setting_changed receiver rebuilds `storages` and `default_storage`.
    settings.STORAGES = storages(
        bucket=bucket,
        endpoint_url=s3_server.endpoint_url,
        region=CREDENTIALS["AWS_S3_REGION_NAME"],
        signed_url_seconds=settings.PEERPATH_S3_URL_SECONDS,
    )
    return SimpleNamespace(
        bucket=bucket, endpoint_url=s3_server.endpoint_url, client=s3_server.client()
    )
