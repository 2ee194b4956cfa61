"""PostgreSQL restarted while learners submit quiz attempts. A private cluster (never the
shared server), a migrated database in it, and the site served by a separate process; the
learners post their answers over HTTP while the cluster restarts, and then again while it
is stopped. No attempt is ever half-written: each is either graded with all its answers or
still open with the answers the learner saved; a learner who hit the outage sees a 503
"try again" page (never a 500 or a traceback) that sends their answers again."""

import json
import re
import secrets
import string
import subprocess
import sys
import threading
from collections import Counter

import pytest
import requests

from tests.conftest import ROOT
from tests.faults.conftest import free_port, wait_for
from tests.faults.quiz_helpers import QUESTIONS

pytestmark = [pytest.mark.services, pytest.mark.slow]

LEARNERS = 40
TRY_AGAIN = "We could not reach our records just now"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def site_on_private_postgres(private_postgres, tmp_path):
    """The private cluster with a migrated database, learners with attempts, and the site
    served from it by `manage.py runserver` in its own process."""
    private_postgres.create_database("peerpath_faults")
    url = private_postgres.url("peerpath_faults")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
    }
    setup = subprocess.run(
        [sys.executable, "-m", "tests.faults.pg_quiz_setup", str(LEARNERS + 1)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    learners = json.loads(setup.stdout)
    port = free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - open for the server's life
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
        try:
            return requests.get(f"{base}/healthz/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_for(up, "the site did not start", timeout=120)
        yield base, learners, url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def learner_session(learner) -> tuple[requests.Session, str]:
    """A signed-in browser: the session cookie, and a CSRF cookie with its form token."""
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    session = requests.Session()
    session.cookies.set("sessionid", learner["session"])
    session.cookies.set("csrftoken", token)
    return session, token


def submit(base, learner) -> requests.Response:
    session, token = learner_session(learner)
    form = {f"q{n}": "false" for n in range(QUESTIONS)}
    form |= {"action": "submit", "csrfmiddlewaretoken": token}
    return session.post(
        f"{base}/learn/attempts/{learner['attempt']}/", data=form, allow_redirects=False, timeout=60
    )


def send_again(base, learner, page: str) -> requests.Response:
    """What the learner's "Try again" button sends: the form kept in the 503 page."""
    session, _token = learner_session(learner)
    fields = HIDDEN.findall(page)
    session.cookies.set("csrftoken", dict(fields)["csrfmiddlewaretoken"])
    return session.post(
        f"{base}/learn/attempts/{learner['attempt']}/",
        data=fields,
        allow_redirects=False,
        timeout=60,
    )


def assert_friendly_503(response):
    page = response.text
    assert response.status_code == 503, (response.status_code, page[:2000])
    assert TRY_AGAIN in page and "Try again" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert response.headers["Retry-After"] == "30"


def attempts_state(url) -> dict[str, dict]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """SELECT a.key::text, a.status, a.score, a.max_score, a.submitted_at IS NOT NULL,
                      array_agg(r.answer::text ORDER BY r.position),
                      array_agg(r.auto_score ORDER BY r.position), count(r.id)
               FROM courses_attempt a LEFT JOIN courses_response r ON r.attempt_id = a.id
               GROUP BY a.id"""
        ).fetchall()
    return {
        key: {
            "status": status,
            "score": score,
            "max_score": max_score,
            "submitted": submitted,
            "answers": answers,
            "scores": scores,
            "responses": count,
        }
        for key, status, score, max_score, submitted, answers, scores, count in rows
    }


def assert_never_half_written(state: dict):
    for key, attempt in state.items():
        assert attempt["responses"] == QUESTIONS, (key, attempt)
        if attempt["status"] == "graded":
            # Fully graded, with every answer the learner sent.
            assert attempt["submitted"] and attempt["score"] == attempt["max_score"], attempt
            assert attempt["answers"] == ["false"] * QUESTIONS, attempt
            assert attempt["scores"] == [1.0] * QUESTIONS, attempt
        else:
            # Still open: the answers were saved as a whole page or not at all, and none
            # is graded.
            assert attempt["status"] == "in_progress" and not attempt["submitted"], attempt
            assert attempt["answers"] in (["false"] * QUESTIONS, [None] * QUESTIONS), attempt
            assert attempt["scores"] == [None] * QUESTIONS, attempt


def test_postgres_restarted_during_quiz_submissions(site_on_private_postgres, private_postgres):
    base, learners, url = site_on_private_postgres
    reserved, learners = learners[0], learners[1:]
    results: dict[str, requests.Response] = {}
    lock = threading.Lock()
    pending = list(learners)

    def submitter():
        while True:
            with lock:
                if not pending:
                    return
                learner = pending.pop()
            response = submit(base, learner)
            with lock:
                results[learner["attempt"]] = response

    threads = [threading.Thread(target=submitter) for _ in range(4)]
    for thread in threads:
        thread.start()
    # Restart the cluster once some submissions are through and others still to come.
    wait_for(lambda: len(results) >= 4, "no submission finished", timeout=120)
    private_postgres.restart("fast")
    for thread in threads:
        thread.join(timeout=300)
    assert len(results) == LEARNERS

    statuses = Counter(r.status_code for r in results.values())
    assert set(statuses) <= {302, 503}, statuses  # graded, or "try again"; never a 500
    for response in results.values():
        if response.status_code == 302:
            assert response.headers["Location"].endswith("/result/")
        else:
            assert_friendly_503(response)
    assert_never_half_written(attempts_state(url))

    # The cluster stopped outright: the learner is told to try again, with their answers
    # kept in the page; once it is back, "Try again" grades the attempt, once.
    private_postgres.stop("immediate")
    outage = submit(base, reserved)
    assert_friendly_503(outage)
    private_postgres.start()
    assert_never_half_written(attempts_state(url))
    retried = {reserved["attempt"]: send_again(base, reserved, outage.text)}
    for learner in learners:
        if results[learner["attempt"]].status_code == 503:
            retried[learner["attempt"]] = send_again(
                base, learner, results[learner["attempt"]].text
            )
    assert all(r.status_code == 302 for r in retried.values()), [
        (r.status_code, r.text[:300]) for r in retried.values() if r.status_code != 302
    ]

    state = attempts_state(url)
    assert_never_half_written(state)
    assert len(state) == LEARNERS + 1  # one attempt each: none created twice
    assert all(a["status"] == "graded" for a in state.values())
    print(
        f"\npostgres-restart: {LEARNERS} submissions during a restart: {dict(statuses)}; "
        f"{len(retried)} sent again from the 503 page, all graded once"
    )
