"""Simulated learners for locust, used by bench.learners and bench.soak (not run on its own).

Each user is one benchmark learner, signed in with a session the setup made (the file named by
BENCH_LEARNERS_SETUP), who every PACE seconds (BENCH_LEARNERS_PACE, constant pacing: the
offered load is fixed, whatever the server does) does one thing: reads a lesson, saves their
place in it, marks a lesson complete, looks at "My learning", or takes the 10-question quiz
(start, read the attempt page, submit the right answers: three requests).

Cookies are sent by hand: production cookies are Secure and the benchmark speaks plain HTTP on
the loopback. The CSRF secret is the learner's own (any 32 letters and digits is a valid one),
sent as the cookie and in the X-CSRFToken header, as a browser's fetch() would.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import string
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, constant_pacing, task

from bench.quiz import AttemptForm, FormError

SETUP = json.loads(open(os.environ["BENCH_LEARNERS_SETUP"]).read())  # noqa: SIM115, PTH123
PACE = float(os.environ.get("BENCH_LEARNERS_PACE", "8"))
SESSIONS = itertools.cycle(SETUP["sessions"])
LESSONS = SETUP["lessons"]
QUIZ = SETUP["quiz"]

# Task weights, and the requests each task makes, so the runner can state the offered load.
WEIGHTS = {"lesson": 6, "position": 2, "complete": 1, "dashboard": 1, "quiz": 1}
REQUESTS = {"lesson": 1, "position": 1, "complete": 1, "dashboard": 1, "quiz": 3}


def requests_per_task() -> float:
    return sum(WEIGHTS[k] * REQUESTS[k] for k in WEIGHTS) / sum(WEIGHTS.values())


class Learner(HttpUser):
    wait_time = constant_pacing(PACE)

    def on_start(self):
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.headers = {
            "Cookie": f"sessionid={next(SESSIONS)}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        }
        self.form = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        self.lesson = random.randrange(len(LESSONS))

    def _get(self, path, name, expect=200):
        with self.client.get(
            path, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}")
            return response

    def _post(self, path, data, name, expect):
        with self.client.post(
            path,
            data=urlencode(data, doseq=True),
            headers=self.form,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}")
            return response

    def _next_lesson(self):
        self.lesson = (self.lesson + 1) % len(LESSONS)
        return LESSONS[self.lesson]

    @task(WEIGHTS["lesson"])
    def read_lesson(self):
        self._get(self._next_lesson()["path"], "lesson page")

    @task(WEIGHTS["position"])
    def save_position(self):
        lesson = LESSONS[self.lesson]
        self._post(
            f"/learn/lessons/{lesson['id']}/position/",
            {"position": f"block-{random.randint(1, 9)}"},
            "save position",
            200,
        )

    @task(WEIGHTS["complete"])
    def complete_lesson(self):
        lesson = LESSONS[self.lesson]
        self._post(f"/learn/lessons/{lesson['id']}/complete/", {}, "complete lesson", 302)

    @task(WEIGHTS["dashboard"])
    def dashboard(self):
        self._get("/learn/", "my learning")

    @task(WEIGHTS["quiz"])
    def take_quiz(self):
        started = self._post(f"/learn/quizzes/{QUIZ['id']}/start/", {}, "quiz start", 302)
        if started.status_code != 302:
            return
        path = urlsplit(started.headers.get("Location", "")).path
        page = self._get(path, "quiz attempt page")
        if page.status_code != 200:
            return
        try:
            fields = AttemptForm(page.text).build(QUIZ["answer_key"])
        except FormError as error:
            self.environment.events.request.fire(
                request_type="FORM",
                name="quiz attempt form",
                response_time=0,
                response_length=0,
                response=None,
                context={},
                exception=error,
            )
            return
        with self.client.post(
            path,
            data=urlencode(fields),
            headers=self.form,
            name="quiz submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or not response.headers.get("Location", "").endswith(
                "/result/"
            ):
                response.failure(f"HTTP {response.status_code}")
