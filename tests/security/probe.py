"""A black-box security probe of Peerpath as it runs in production: gunicorn, the production
settings, a TLS proxy simulated by `X-Forwarded-Proto: https`, Redis as the shared cache, two
training providers, two placement hosts and two employers. Everything it checks goes over
HTTP as a browser would (pages, forms, CSRF, cookies); only the world is built from inside
(`probe_world.py`).

    make probe                       # or: .venv/bin/python -m tests.security.probe

It answers, for every way in and for every finding of issue 14, what the site actually did,
and writes `var/probe/<time>.json`. It exits non-zero when any check fails. It builds its own
database and server and empties its own Redis database (`--redis-url`, default db 12 on
127.0.0.1:6379, never REDIS_URL). `tests/security/test_probe.py` runs it in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import redis
from cryptography.fernet import Fernet

from bench.runner import BASE_DIR, Client, GunicornServer
from lms.accounts import totp

WORK = BASE_DIR / "var" / "probe"
PASSWORD = "peerpath-demo"  # noqa: S105 - the demo password, printed by `make run`
DEMO_SECRET = "PEERPATHDEMOSTAFFTWOFACTORKEYAAA"  # noqa: S105 - the demo staff key
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's browser: cookies, CSRF tokens from the page last seen, https via the
    proxy header, redirects reported rather than followed."""

    def __init__(self, port: int):
        self.client = Client("127.0.0.1", port, timeout=30)
        self.origin = f"https://127.0.0.1:{port}"
        self.token = ""

    def request(self, method, path, data=None, *, raw: bytes | None = None, ctype=None):
        headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + path}
        body = raw
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            ctype = "application/x-www-form-urlencoded"
        if method == "POST":
            headers["Origin"] = self.origin
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        if ctype:
            headers["Content-Type"] = ctype
        try:
            status, head, content = self.client.request(method, path, body=body, headers=headers)
        except OSError:
            self.client.reset()
            self.client = _fresh(self.client)
            status, head, content = self.client.request(method, path, body=body, headers=headers)
        text = content.decode("utf-8", "replace")
        found = CSRF_RE.search(text)
        if found:
            self.token = unescape(found.group(1))
        return status, head, text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, *, page: str | None = None):
        """Open the form's page first (for its CSRF token), then post to it."""
        self.get(page or path)
        return self.request("POST", path, {"csrfmiddlewaretoken": self.token, **data})


def _fresh(old: Client) -> Client:
    new = Client(old.host, old.port, timeout=old.timeout)
    new.cookies = old.cookies
    return new


def location(head) -> str:
    return urlsplit(head.get("Location") or "").path


class Probe:
    def __init__(self, port: int, world: dict, mail_dir: Path):
        self.port, self.world, self.mail_dir = port, world, mail_dir
        self.results: list[dict] = []
        self.last_step: dict[str, int] = {}

    # --- bookkeeping -----------------------------------------------------------------------

    def check(self, area: str, name: str, ok: bool, observed: str) -> bool:
        self.results.append({"area": area, "check": name, "ok": bool(ok), "observed": observed})
        print(f"  {'ok  ' if ok else 'FAIL'} {area}: {name} ({observed})")
        return ok

    def code(self, email: str, secret: str) -> str:
        """The authenticator's code, waiting for a fresh step if this person used this one
        (a code works once)."""
        while totp.current_step() <= self.last_step.get(email, -1):
            time.sleep(1)
        step = totp.current_step()
        self.last_step[email] = step
        return totp.code_at(secret, step)

    def browser(self) -> Browser:
        return Browser(self.port)

    def sign_in(self, email, *, secret=None, password=PASSWORD) -> Browser:
        """The site's own sign-in, with the code step when the site asks for it."""
        browser = self.browser()
        status, head, _ = browser.post(
            "/accounts/login/", {"username": email, "password": password}
        )
        if status == 302 and location(head) == "/accounts/login/code/" and secret:
            browser.post("/accounts/login/code/", {"code": self.code(email, secret)})
        return browser

    def staff_page_reached(self, browser: Browser) -> tuple[bool, str]:
        status, head, text = browser.get("/admin/")
        reached = status == 200 and "wagtail" in text.lower() and "Sign in" not in text[:2000]
        return reached, f"GET /admin/ -> {status} {location(head)}"

    # --- every way in ----------------------------------------------------------------------

    def ways_in(self):
        area = "two-factor: every way in"
        for email in ("registrar@peerpath.example", "supervisor@peerpath.example"):
            browser = self.browser()
            status, head, _ = browser.post(
                "/accounts/login/", {"username": email, "password": PASSWORD}
            )
            reached, seen = self.staff_page_reached(browser)
            self.check(area, f"site form, password only ({email})", not reached, seen)

            browser = self.browser()
            status, head, _ = browser.post(
                "/admin/login/", {"username": email, "password": PASSWORD}
            )
            reached, seen = self.staff_page_reached(browser)
            self.check(
                area,
                f"Wagtail's /admin/login/, password only ({email})",
                not reached,
                f"POST -> {status} {location(head)}; {seen}",
            )
            # The signing pages too: a supervisor's practicum desk.
            status, head, _ = browser.get("/practicum/")
            self.check(
                area,
                f"after /admin/login/, /practicum/ not served ({email})",
                status != 200,
                f"{status} {location(head)}",
            )

        # With the code, the registrar does get in (the gate is not a wall).
        browser = self.sign_in("registrar@peerpath.example", secret=DEMO_SECRET)
        reached, seen = self.staff_page_reached(browser)
        self.check(area, "registrar with password and code reaches the admin", reached, seen)

        # Password reset completion: the new password alone must not sign staff in.
        browser = self.browser()
        before = set(self.mail_dir.glob("*"))
        browser.post("/accounts/password-reset/", {"email": "registrar@peerpath.example"})
        link = self._mailed_link(before, "/accounts/password-reset/")
        if not link:
            self.check(area, "password reset email arrives", False, "no reset link mailed")
        else:
            status, head, _ = browser.get(link)
            target = location(head) if status == 302 else link
            new = "probe-" + secrets.token_urlsafe(12)
            status, head, _ = browser.post(target, {"new_password1": new, "new_password2": new})
            reached, seen = self.staff_page_reached(browser)
            self.check(
                area,
                "password reset completion does not skip the code",
                not reached,
                f"set password -> {status} {location(head)}; {seen}",
            )
            token_in_target = link.rstrip("/").rsplit("/", 1)[-1] in target
            self.check(
                area,
                "reset token exchanged for a session-bound step (not in the next URL)",
                not token_in_target,
                f"first GET -> {target}",
            )

        # Invitation acceptance: a new supervisor (no authenticator yet) is sent to set-up.
        key = self.world["invitation_key"]
        browser = self.browser()
        status, head, _ = browser.get(f"/accounts/invitations/{key}/")
        page = location(head) if status == 302 else f"/accounts/invitations/{key}/"
        self.check(
            area,
            "invitation key exchanged for a key-less step",
            key not in page,
            f"first GET -> {status} {page}",
        )
        status, head, _ = browser.post(
            page,
            {
                "email": self.world["invitation_email"],
                "legal_name": "Nia Newcomer",
                "preferred_name": "Nia",
                "pronouns": "",
                "password1": "probe-Long-Passphrase-41",
                "password2": "probe-Long-Passphrase-41",
            },
        )
        status, head, _ = browser.get("/practicum/")
        self.check(
            area,
            "invited supervisor must set up two-factor before the practicum desk",
            status == 302 and "two-factor" in location(head),
            f"GET /practicum/ -> {status} {location(head)}",
        )

    def _mailed_link(self, before: set, prefix: str) -> str:
        for _ in range(40):
            for path in sorted(set(self.mail_dir.glob("*")) - before):
                found = re.search(
                    r"https?://[^\s]+(" + re.escape(prefix) + r"[^\s]+)", path.read_text()
                )
                if found:
                    return found.group(1)
            time.sleep(0.25)
        return ""

    # --- organisations ---------------------------------------------------------------------

    def organisations(self):
        area = "organisation scoping"
        w = self.world
        outsider = self.sign_in("trainer-b@probe.example", secret=w["trainer_b_secret"])
        insider = self.sign_in("trainer@peerpath.example", secret=DEMO_SECRET)
        a = w["cohort_a"]

        status, _, text = outsider.get("/admin/cohorts/")
        self.check(
            area,
            "provider B's trainer does not see provider A's cohort in the list",
            w["cohort_a_name"] not in text,
            f"{status}",
        )
        for path in (
            f"/admin/cohorts/edit/{a}/",
            f"/teach/cohorts/{a}/",
            f"/teach/cohorts/{a}/progress.csv",
            f"/admin/accommodations/edit/{w['accommodation_a']}/",
        ):
            status, head, text = outsider.get(path)
            refused = status in (302, 403, 404) and w["trainee_a_email"] not in text
            self.check(area, f"provider B's trainer refused {path}", refused, f"{status}")
            status, head, text = insider.get(path)
            self.check(area, f"provider A's trainer served {path}", status == 200, f"{status}")

        status, head, text = outsider.post(
            f"/admin/cohorts/edit/{a}/",
            {"name": "Taken over", "trainer": "", "learners": [w["trainee_a_id"]]},
        )
        self.check(
            area,
            "provider B's trainer cannot edit A's cohort",
            # Wagtail answers a refusal with a redirect to the dashboard; a save, to the list.
            status in (403, 404) or (status == 302 and location(head) != "/admin/cohorts/"),
            f"POST -> {status} {location(head)}",
        )
        status, _, text = insider.get(f"/teach/cohorts/{a}/")
        self.check(area, "A's cohort keeps its name", "Taken over" not in text, f"{status}")

        status, _, text = outsider.get("/teach/marking/")
        self.check(
            area,
            "provider B's marking queue holds nothing of provider A",
            w["trainee_a_email"] not in text and "Jordan" not in text,
            f"{status}",
        )
        # Trainers do not set cohorts up: that chooses who teaches one, which is for an
        # organisation admin or a registrar. B's trainer edits B's own cohort, whose form
        # offers only B's trainees.
        status, head, text = outsider.get("/admin/cohorts/new/")
        self.check(
            area,
            "provider B's trainer cannot open the new-cohort form",
            status in (302, 403, 404) and w["trainee_a_email"] not in text,
            f"{status} {location(head)}",
        )
        status, head, text = outsider.get(f"/admin/cohorts/edit/{w['cohort_b']}/")
        self.check(
            area,
            "B's cohort form offers no learner of provider A",
            status == 200 and w["trainee_a_email"] not in text and "Jordan" not in text,
            f"{status}",
        )

    # --- guessing --------------------------------------------------------------------------

    def lockouts(self):
        area = "lock-outs"
        # Not the trainee: `small` signs in as them afterwards, and this locks the account
        # out from the probe's address for the cool-off (once the lock-out holds).
        email = "verifier@peerpath.example"
        spellings = [email.upper(), f" {email} ", email.title(), f"{email}\t", email.swapcase()]
        for spelling in spellings:
            self.browser().post("/accounts/login/", {"username": spelling, "password": "wrong"})
        status, _, _ = self.browser().post(
            "/accounts/login/", {"username": email, "password": PASSWORD}
        )
        self.check(
            area,
            "five wrong passwords in five spellings lock the account",
            status == 429,
            f"right password afterwards -> {status}",
        )

        # The supervisor has an authenticator in the demo; nothing after this signs in as them.
        email = "supervisor@peerpath.example"
        statuses = []
        for _round in range(2):
            browser = self.browser()
            browser.post("/accounts/login/", {"username": email, "password": PASSWORD})
            for _ in range(3):
                status, _, _ = browser.post("/accounts/login/code/", {"code": "000000"})
                statuses.append(status)
        browser = self.browser()
        status, head, _ = browser.post(
            "/accounts/login/", {"username": email, "password": PASSWORD}
        )
        if status == 302 and location(head) == "/accounts/login/code/":
            status, head, _ = browser.post(
                "/accounts/login/code/", {"code": self.code(email, DEMO_SECRET)}
            )
        self.check(
            area,
            "six wrong codes over two sign-ins lock the code step (the right code then fails)",
            status == 429,
            f"wrong codes -> {statuses}; right code afterwards -> {status} {location(head)}",
        )

    def enumeration(self):
        area = "no account enumeration"

        def answer(path, data):
            status, head, text = self.browser().post(path, data)
            text = CSRF_RE.sub("", text)
            text = re.sub(r'nonce="[^"]+"', "", text)
            return status, location(head), text

        known = answer("/accounts/password-reset/", {"email": "trainee@peerpath.example"})
        unknown = answer("/accounts/password-reset/", {"email": "nobody-here@probe.example"})
        self.check(
            area,
            "password reset: same answer for known and unknown addresses",
            known == unknown,
            f"{known[:2]} vs {unknown[:2]}",
        )

        fields = {
            "legal_name": "Probe Person",
            "preferred_name": "",
            "pronouns": "",
            "password1": "probe-Long-Passphrase-42",
            "password2": "probe-Long-Passphrase-42",
        }
        known = answer("/accounts/register/", {"email": "graduate@peerpath.example", **fields})
        unknown = answer(
            "/accounts/register/", {"email": f"new-{secrets.token_hex(4)}@probe.example", **fields}
        )
        self.check(
            area,
            "registration: same answer for known and unknown addresses",
            known == unknown,
            f"{known[:2]} vs {unknown[:2]}",
        )

        statuses = [
            answer("/accounts/password-reset/", {"email": "victim@probe.example"})[0]
            for _ in range(12)
        ]
        self.check(
            area, "password reset is rate-limited per address", 429 in statuses, f"{statuses}"
        )

    # --- small ones ------------------------------------------------------------------------

    def small(self):
        area = "bad input and headers"
        trainee = self.sign_in("trainee@peerpath.example")
        trainer = self.sign_in("trainer@peerpath.example", secret=DEMO_SECRET)
        admin = self.sign_in("admin@peerpath.example", secret=DEMO_SECRET)
        huge = str(2**70)
        fives = []
        for route in self.world["int_routes"]:
            path = "/" + re.sub(r"<(?:int|id):[^>]+>", huge, route)
            if "<" in path:
                continue
            for browser in (trainee, trainer, admin):
                status, _, _ = browser.get(path)
                if status >= 500:
                    fives.append(f"GET {path} {status}")
        self.check(
            area,
            f"no 500 for out-of-range ids on {len(self.world['int_routes'])} int routes"
            " as trainee, trainer and administrator",
            not fives,
            "; ".join(fives[:5]) or "none",
        )

        for label, browser, path in (
            ("reflections", trainee, "/learn/reflections/"),
            ("practicum", trainee, "/practicum/"),
            (
                "cohort CSV with emails",
                trainer,
                f"/teach/cohorts/{self.world['cohort_a']}/progress.csv",
            ),
            ("marking queue", trainer, "/teach/marking/"),
        ):
            status, head, _ = browser.get(path)
            cache = head.get("Cache-Control") or ""
            self.check(
                area,
                f"{label} page is private, no-store",
                status == 200 and "no-store" in cache,
                f"{status} Cache-Control: {cache!r}",
            )

        status, _, _ = admin.get("/admin/failwhale/")
        self.check(area, "Wagtail's test 500 is not served", status == 404, f"{status}")

    def run(self):
        for part in (self.ways_in, self.organisations, self.lockouts, self.enumeration, self.small):
            print(f"{part.__name__}:")
            try:
                part()
            except Exception as error:  # noqa: BLE001 - a probe reports, it does not stop
                self.check(part.__name__, "ran to the end", False, repr(error))


def startup_refusals(env: dict) -> list[dict]:
    """Production must refuse to start without field keys or a shared cache."""
    results = []
    for name, change in (
        ("PEERPATH_FIELD_KEYS", "PEERPATH_FIELD_KEYS"),
        ("REDIS_URL", "REDIS_URL"),
    ):
        trial = {k: v for k, v in env.items() if k != change}
        done = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=BASE_DIR,
            env=trial,
            capture_output=True,
            text=True,
            check=False,
        )
        results.append(
            {
                "area": "production start",
                "check": f"refuses to start without {name}",
                "ok": done.returncode != 0,
                "observed": (done.stderr.strip().splitlines() or ["exit 0"])[-1][:200],
            }
        )
        print(
            f"  {'ok  ' if results[-1]['ok'] else 'FAIL'} production start: without {name}"
            f" ({results[-1]['observed']})"
        )
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--redis-url",
        help="a Redis database the probe may empty (default db 12)",
        default="redis://127.0.0.1:6379/12",
    )
    args = parser.parse_args(argv)

    # The probe's Redis database is its own: emptied first, so no rate-limit count or
    # session of an earlier run changes what this one sees.
    redis.Redis.from_url(args.redis_url).flushdb()
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "probe.sqlite3"
    database.unlink(missing_ok=True)
    mail_dir = WORK / "mail"
    for old in mail_dir.glob("*"):
        old.unlink()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "PEERPATH_FIELD_KEYS": Fernet.generate_key().decode(),
        "REDIS_URL": args.redis_url,
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SITE_URL": "https://127.0.0.1",
        # The proxy terminates TLS and says so in X-Forwarded-Proto (every probe request sends
        # it); the readiness check of the server runner does not, so no redirect to https.
        "SECURE_SSL_REDIRECT": "0",
    }
    print("probe: building the world (migrate, seed the demo, a second provider, host, employer)")
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input", "-v", "0"], ["sync_roles"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=BASE_DIR, env=env, check=True, capture_output=True)
    subprocess.run(
        manage + ["collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    world = json.loads(
        subprocess.run(
            [sys.executable, "-m", "tests.security.probe_world"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    results = startup_refusals(env)
    # A real worker on the probe's own Redis database sends the email the probe reads.
    worker_log = (WORK / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    server = GunicornServer(
        "lms.wsgi:application", env, workers=2, threads=1, log_path=WORK / "gunicorn.log"
    )
    try:
        # Inside the try: a server that fails to start must not leave the worker running.
        server.start(ready_path="/healthz/")
        probe = Probe(server.port, world, mail_dir)
        probe.run()
        results += probe.results
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=30)
        worker_log.close()
    failed = [r for r in results if not r["ok"]]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = WORK / f"{stamp}.json"
    out.write_text(json.dumps({"when": stamp, "checks": results}, indent=2))
    print(f"probe: {len(results) - len(failed)} of {len(results)} checks held; report {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
