"""Peerpath past one machine: two gunicorn nodes behind a real nginx (round-robin, TLS), one
PostgreSQL database, one Redis, one S3 bucket (moto's server) and a real Celery worker and
beat, every process started from deploy/ (tests/scaleout/cluster.py).

- a signed-in learner's requests alternate between the nodes and stay signed in;
- a publish, and a site-settings change, made through one node are seen at once on the other;
- a certificate the worker renders (after the last lesson is completed through a node)
  downloads, the same bytes, from either node, and is private in the bucket;
- rate limits and lock-outs count across the nodes.

It runs on PostgreSQL (CI's second pass; on SQLite it is skipped, like the migration-on-data
check). The site's Redis database is its own (PEERPATH_SCALEOUT_REDIS_URL, default db 9 of
the Redis of REDIS_URL) and is emptied when the site starts."""

import hashlib
import io
import os
import secrets
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from django.conf import settings

from tests.conftest import database_url_for_subprocess, port_open, skip_or_fail
from tests.s3 import CREDENTIALS, png_bytes
from tests.scaleout import cluster

# django_db: the session's test database is set up only for tests that ask for it. Each test's
# own transaction holds nothing: the world is committed by a module fixture, and the nodes'
# writes are committed by them (read committed: every query here sees them).
pytestmark = [pytest.mark.scaleout, pytest.mark.slow, pytest.mark.services, pytest.mark.django_db]

PASSWORD = "scale-out-password-1"  # noqa: S105 - a test account's
ADMIN_SECRET = "SCALEOUTADMINTWOFACTORKEYAAAAAAA"  # noqa: S105 - a test authenticator's
VERIFY_LIMIT = 4
LOCKOUT_AFTER = 3


def quick_hash(password: str) -> str:
    """A PBKDF2 hash the production settings accept (the test settings hash with MD5), with
    few rounds: the hash is not what this test is about."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    return PBKDF2PasswordHasher().encode(password, secrets.token_hex(8), iterations=1000)


def site_redis_url() -> str:
    explicit = os.environ.get("PEERPATH_SCALEOUT_REDIS_URL")
    if explicit:
        return explicit
    base = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(base._replace(path="/9"))


@pytest.fixture(scope="module")
def backing(django_db_setup, django_db_blocker, s3_server):
    """What the site needs, or a clear skip (a failure under PEERPATH_REQUIRE_ALL)."""
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("The scale-out test runs on PostgreSQL (CI's second pass).")
        database_url = database_url_for_subprocess()
    if cluster.nginx_binary() is None:
        skip_or_fail("nginx is not installed: apt-get install nginx (Debian's package).")
    redis_url = site_redis_url()
    if not port_open(redis_url, 6379):
        skip_or_fail(f"Redis is not reachable at {redis_url}: start redis-server.")
    redis.Redis.from_url(redis_url).flushdb()  # the site's own database: no old sessions
    return {"database_url": database_url, "redis_url": redis_url, "s3": s3_server}


@pytest.fixture(scope="module")
def world(backing, django_db_blocker):
    """The rows the nodes serve, written (and committed) by this process: the demo site, a
    course of two lessons leading to a credential, a learner who has done the first lesson,
    a draft of the first lesson, an administrator with an authenticator, an account to lock
    out. A certificate design whose logo is kept in the bucket. Emptied again afterwards."""
    from django.core.files.images import ImageFile
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone
    from wagtail.images.models import Image
    from wagtail.models import Site as WagtailSite

    from certification.credentials.models import CertificateTemplate
    from certification.credentials.services import credentials as credential_services
    from certification.credentials.services import loading as loading_services
    from cms.demo import seed_site
    from lms.accounts.models import TOTPDevice
    from lms.storage import storages
    from tests.certification.credential_helpers import finish_lessons, make_course, make_credential
    from tests.factories import UserFactory

    s3 = backing["s3"]
    bucket = s3.new_bucket()
    with django_db_blocker.unblock():
        seed_site()
        loading_services.load_frameworks()
        in_bucket = storages(bucket=bucket, endpoint_url=s3.endpoint_url, region="us-east-1")
        with mock.patch.dict(os.environ, CREDENTIALS), override_settings(STORAGES=in_bucket):
            logo = Image.objects.create(
                title="Scale-out logo", file=ImageFile(io.BytesIO(png_bytes()), "l.png")
            )
        CertificateTemplate.objects.create(
            name="Scale-out", issuing_organisation="Two Nodes College", is_default=True, logo=logo
        )
        course, lessons, _quiz = make_course("scale-out", lessons=2, quiz=False)
        make_credential(code="scale-cert", required_courses=["scale-out"])

        def person(email, name, **extra):
            user = UserFactory(
                email=email, legal_name=name, preferred_name=name.split()[0], **extra
            )
            user.password = quick_hash(PASSWORD)
            user.save(update_fields=["password"])
            return user

        learner = person("robin@scale.example", "Robin Scale Learner")
        credential_services.confirm_certificate_name(user=learner, name="Robin Scale Learner")
        finish_lessons(learner, course, lessons[:1])
        admin = person("admin@scale.example", "Ada Scale Admin", is_staff=True, is_superuser=True)
        TOTPDevice.objects.create(user=admin, secret=ADMIN_SECRET, confirmed_at=timezone.now())
        person("locked@scale.example", "Lee Locked")
        draft = lessons[0].specific
        draft.title = "Lesson one, revised on one node"
        draft.save_revision()
        world = {
            "bucket": bucket,
            "course_url": course.url,
            "first_lesson": {"id": lessons[0].pk, "url": lessons[0].url},
            "last_lesson": {"id": lessons[1].pk, "url": lessons[1].url},
            "learner": learner,
            "site_id": WagtailSite.objects.get(is_default_site=True).pk,
        }
    yield world
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def site(backing, world, s3_server, tmp_path_factory):
    folder = Path(tmp_path_factory.mktemp("scaleout"))
    base = {
        **CREDENTIALS,
        "SECRET_KEY": secrets.token_urlsafe(64),
        # The keys this process wrote the encrypted rows with, and the test signing key.
        "PEERPATH_FIELD_KEYS": ",".join(settings.PEERPATH_FIELD_KEYS),
        "PEERPATH_SIGNING_KEY": settings.PEERPATH_SIGNING_KEY,
        "DATABASE_URL": backing["database_url"],
        "REDIS_URL": backing["redis_url"],
        "CELERY_BROKER_URL": backing["redis_url"],
        "PEERPATH_S3_BUCKET": world["bucket"],
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint_url,
        "PEERPATH_VERIFY_RATE_LIMIT": str(VERIFY_LIMIT),
        "PEERPATH_VERIFY_RATE_WINDOW": "600",
        "AXES_FAILURE_LIMIT": str(LOCKOUT_AFTER),
        # Two nodes of one process each (a 2-core machine runs all of this).
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "CELERY_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    running = cluster.start_site(folder, base)
    yield running
    running.stop()


def signed_in(site, email, *, secret=None):
    """A browser signed in through the site's own form (and the code step, with `secret`)."""
    from lms.accounts import totp

    browser = site.browser()
    answer = browser.post_form("/accounts/login/", {"username": email, "password": PASSWORD})
    if secret and answer.headers.get("Location", "").endswith("/accounts/login/code/"):
        answer = browser.post_form(
            "/accounts/login/code/", {"code": totp.code_at(secret, totp.current_step())}
        )
    assert answer.status_code == 302, answer.text[:500]
    assert "/accounts/login/" not in answer.headers["Location"]
    return browser


@pytest.fixture(scope="module")
def admin(site):
    """The administrator, signed in once (an authenticator's code works once)."""
    return signed_in(site, "admin@scale.example", secret=ADMIN_SECRET)


def both_nodes(site, nodes):
    assert set(nodes) == set(site.nodes), nodes


def test_a_learners_requests_alternate_between_nodes_in_one_session(site, world):
    learner = signed_in(site, "robin@scale.example")
    learner.nodes.clear()
    for path in ["/learn/", world["course_url"], world["first_lesson"]["url"]] * 2:
        page = learner.get(path)
        assert page.status_code == 200, (path, page.status_code, page.headers.get("Location"))
        assert "Sign out" in page.text
    both_nodes(site, learner.nodes)
    # Round-robin: never the same node twice in a row for one client alone on the site.
    assert all(a != b for a, b in zip(learner.nodes, learner.nodes[1:], strict=False))
    # Autosaving a position (a POST with the CSRF token of a page another node rendered).
    lesson = world["first_lesson"]
    token = learner.session.cookies.get("csrftoken")
    saved = learner.request(
        "POST",
        f"/learn/lessons/{lesson['id']}/position/",
        data={"position": "b1"},
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200 and saved.json() == {"saved": True}


def test_a_publish_on_one_node_is_seen_at_once_on_the_other(site, world, admin):
    learner = signed_in(site, "robin@scale.example")
    lesson = world["first_lesson"]
    for _ in range(2):  # both nodes render (and may cache) the published lesson
        assert "Lesson one, revised" not in learner.get(lesson["url"]).text
    both_nodes(site, learner.nodes[-2:])
    bulk = f"/admin/bulk/wagtailcore/page/publish/?next=%2Fadmin%2F&id={lesson['id']}"
    published = admin.post_form(bulk, {"include_descendants": ""})
    assert published.status_code == 302, published.text[:500]
    publisher = admin.nodes[-1]
    seen = [(learner.get(lesson["url"]), learner.nodes[-1]) for _ in range(2)]
    assert {node for _, node in seen} == set(site.nodes)
    assert seen[0][1] != publisher  # the very next request, on the node that did not publish
    for page, node in seen:
        assert page.status_code == 200
        assert "Lesson one, revised on one node" in page.text, node


def test_a_site_settings_change_on_one_node_is_seen_at_once_on_the_other(site, world, admin):
    learner = signed_in(site, "robin@scale.example")
    for _ in range(2):
        assert "Now on two machines" not in learner.get("/learn/").text
    path = f"/admin/settings/cms/brandingsettings/{world['site_id']}/"
    form = cluster.form_values(admin.get(path).text, action_contains="brandingsettings")
    changed = admin.request("POST", path, data={**form, "tagline": "Now on two machines"})
    assert changed.status_code == 302, changed.text[:500]
    changer = admin.nodes[-1]
    pages = [learner.get("/learn/") for _ in range(2)]
    assert pages[0].headers[cluster.NODE_HEADER] != changer
    assert {p.headers[cluster.NODE_HEADER] for p in pages} == set(site.nodes)
    for page in pages:
        assert "Now on two machines" in page.text, page.headers[cluster.NODE_HEADER]


def test_a_certificate_rendered_by_the_worker_downloads_from_either_node(
    site, world, s3_server, django_db_blocker
):
    from certification.credentials.models import Certificate

    learner = signed_in(site, "robin@scale.example")
    lesson = world["last_lesson"]
    done = learner.post_form(f"/learn/lessons/{lesson['id']}/complete/", {}, page=lesson["url"])
    assert done.status_code == 302
    deadline = time.monotonic() + 240
    with django_db_blocker.unblock():
        while True:
            certificate = Certificate.objects.filter(trainee=world["learner"]).first()
            if certificate is not None and certificate.ready:
                break
            assert time.monotonic() < deadline, site.log_tail("worker")
            time.sleep(1)
    path = f"/certificates/{certificate.uuid}/certificate.pdf"
    downloads = [learner.get(path) for _ in range(2)]
    assert {d.headers[cluster.NODE_HEADER] for d in downloads} == set(site.nodes)
    for download in downloads:
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == certificate.pdf_sha256
    key = f"private/{certificate.pdf.name}"
    client = s3_server.client()
    assert client.head_object(Bucket=world["bucket"], Key=key)["ContentLength"] > 0
    anonymous = requests.get(f"{s3_server.endpoint_url}/{world['bucket']}/{key}", timeout=10)
    assert anonymous.status_code == 403
    # Nobody else gets it, from either node.
    other = signed_in(site, "locked@scale.example")
    assert [other.get(path).status_code for _ in range(2)] == [404, 404]


def test_rate_limits_and_lock_outs_hold_across_nodes(site):
    visitor = site.browser()
    answers = [visitor.get(f"/verify/NOSUCH-{n}.json") for n in range(VERIFY_LIMIT + 1)]
    both_nodes(site, visitor.nodes[:VERIFY_LIMIT])
    assert [a.status_code for a in answers] == [404] * VERIFY_LIMIT + [429]
    assert visitor.get("/verify/NOSUCH-again.json").status_code == 429  # the other node too

    intruder = site.browser()
    attempts = []
    for _ in range(LOCKOUT_AFTER):
        wrong = intruder.post_form(
            "/accounts/login/", {"username": "locked@scale.example", "password": "wrong-guess"}
        )
        attempts.append((wrong.status_code, intruder.nodes[-1]))
        intruder.get("/healthz/")  # so that the next attempt's POST goes to the other node
    assert {node for _, node in attempts} == set(site.nodes)
    assert [status for status, _ in attempts[:-1]] == [200] * (LOCKOUT_AFTER - 1)
    # Locked out on both nodes now, even with the right password.
    refused = []
    for _ in range(2):
        answer = intruder.post_form(
            "/accounts/login/", {"username": "locked@scale.example", "password": PASSWORD}
        )
        refused.append((answer.status_code, intruder.nodes[-1]))
        intruder.get("/healthz/")
    assert {node for _, node in refused} == set(site.nodes)
    assert [status for status, _ in refused] == [429, 429]
