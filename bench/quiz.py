"""Benchmark: submitting a 10-question quiz attempt, against a bare Django view, in the same run.

    .venv/bin/python -m bench.quiz [--clients 20] [--seconds 15] [--database-url URL]

Prepares a fresh database as bench.learning does (SQLite under var/bench/ unless
--database-url or DATABASE_URL names a PostgreSQL server), seeds the demo, enrols benchmark
learners on Boundaries and adds a 10-question auto-graded quiz of mixed types to one of its
modules (no attempt limit, no cool-down). Serves the site with gunicorn and production settings
and signs every simulated learner in. Then each learner, in closed loop, starts an attempt
(POST, not timed), fetches the attempt page and fills in the form from it (not timed), and
submits it with action=submit: that POST, which saves the ten answers and grades the attempt,
is what is timed. The bare view (/healthz/) is loaded in alternate rounds of the same run.

Before the server starts, the setup process also counts the SQL queries of one submission and
times services.submit_attempt alone for quizzes of 10, 50 and 100 questions, to show whether
grading cost grows linearly with the number of questions.

Prints a summary and writes bench/results/<UTC time>-quiz.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from . import runner
from .learning import CSRF_FIELD, server_environment, sign_in
from .runner import num

COURSE = "boundaries"
BARE = ("bare", "/healthz/")
SUBMIT = "submit"
SETUP_TIMEOUT = 600


def parse_args(argv=None) -> argparse.Namespace:
    parser = runner.scenario_parser("quiz", __doc__)
    parser.add_argument(
        "--grading-attempts",
        type=int,
        default=20,
        help="attempts timed in-process per quiz size for grading linearity (20)",
    )
    runner.add_closed_loop_arguments(
        parser,
        clients=20,
        seconds=15,
        rounds=3,
        warmup=2,
        warmup_help="unmeasured seconds before each round (2)",
        time_limit_help="240 + the load time",
    )
    args = parser.parse_args(argv)
    runner.check_closed_loop_arguments(parser, args)
    if args.grading_attempts <= 0:
        parser.error("--grading-attempts must be positive")
    if args.time_limit is None:
        args.time_limit = 240 + 2 * (args.seconds + args.rounds * args.warmup)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = runner.utc_now()
    clock = time.monotonic()
    server = None
    try:
        with runner.time_limit(args.time_limit):
            database = runner.prepared_database(args.database_url, "quiz")
            env = server_environment(database.url)
            setup = prepare(env, args)
            server = runner.start_site(env, args, log_name="gunicorn-quiz.log", ready_path=BARE[1])
            print(f"Signing in {args.clients} learners ...", flush=True)
            signing_in = time.monotonic()
            learners = setup["learners"]
            clients = sign_in(server, learners["emails"], learners["password"], args)
            tokens = [csrf_token(client, setup["quiz"]["url"]) for client in clients]
            setup["timings_seconds"]["sign_in"] = round(time.monotonic() - signing_in, 2)

            samples = measure(clients, tokens, setup["quiz"], server, args)
    except runner.BenchError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.stop()

    results = report(
        args=args,
        started=started,
        duration=time.monotonic() - clock,
        database=database,
        setup=setup,
        server=server,
        samples=samples,
    )
    return runner.finish("quiz", started, results, print_summary)


def prepare(env: dict[str, str], args) -> dict:
    arguments = ["--learners", str(args.clients), "--course", COURSE]
    arguments += ["--grading-attempts", str(args.grading_attempts)]
    return runner.run_setup("bench.quiz_setup", "quiz", env, arguments, timeout=SETUP_TIMEOUT)


def csrf_token(client: runner.Client, quiz_url: str) -> str:
    """A form token for the learner's session, from the quiz's front page."""
    status, _headers, body = client.request("GET", quiz_url)
    match = CSRF_FIELD.search(body.decode())
    if status != 200 or not match:
        raise runner.BenchError(f"GET {quiz_url} answered {status} without a CSRF token")
    client.reset()
    return match[1]


# --- The attempt form --------------------------------------------------------------------------


class FormError(Exception):
    """The attempt page did not offer the fields the answer key needs."""


class AttemptForm(HTMLParser):
    """The fields of the attempt page: radios and checkboxes by name with their values, selects
    by name with their options (value, text), and the CSRF token."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.choices: dict[str, set[str]] = {}
        self.selects: dict[str, list[list[str]]] = {}
        self.token = ""
        self._select: str | None = None
        self._option: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            if a.get("name") == "csrfmiddlewaretoken":
                self.token = a.get("value") or ""
            elif a.get("type") in ("radio", "checkbox") and a.get("name"):
                self.choices.setdefault(a["name"], set()).add(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value") or "", ""]
            self.selects[self._select].append(self._option)

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None

    def build(self, answer_key: list[dict]) -> list[tuple[str, str]]:
        """The correct answers, in the fields and values the page offers."""
        fields = [("csrfmiddlewaretoken", self.token), ("action", "submit")]
        for position, key in enumerate(answer_key):
            prefix, kind = f"q{position}", key["type"]
            if kind in ("single_choice", "true_false"):
                fields.append((prefix, self._choice(prefix, key["value"])))
            elif kind == "multiple_response":
                fields += [(prefix, self._choice(prefix, v)) for v in key["values"]]
            elif kind in ("ordering", "scenario_judgement"):
                for item, rank in key["ranks"].items():
                    name = f"{prefix}-{item}"
                    fields.append(
                        (name, self._option_where(name, lambda v, t, r=rank: v == str(r)))
                    )
            elif kind == "matching":
                for left, text in key["texts"].items():
                    name = f"{prefix}-{left}"
                    fields.append(
                        (name, self._option_where(name, lambda v, t, x=text: t.strip() == x))
                    )
            else:
                raise FormError(f"unexpected question type {kind}")
        if not self.token:
            raise FormError("no CSRF token")
        return fields

    def _choice(self, name: str, value: str) -> str:
        if value not in self.choices.get(name, ()):
            raise FormError(f"no choice {name}={value}")
        return value

    def _option_where(self, name: str, test) -> str:
        for value, text in self.selects.get(name, []):
            if value and test(value, text):
                return value
        raise FormError(f"no matching option in select {name}")


# --- Load --------------------------------------------------------------------------------------


def submit_loop(
    clients: list[runner.Client],
    tokens: list[str],
    quiz: dict,
    *,
    server: runner.GunicornServer,
    warmup: float,
    seconds: float,
) -> runner.Sample:
    """Each client starts an attempt, reads its page, then submits the correct answers, and
    goes round again at once. Only the submission is timed; only submissions completed inside
    the measured window count. A submission must answer 302 to the result page."""
    start_path = f"/learn/quizzes/{quiz['id']}/start/"
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def cycle(client: runner.Client, index: int):
        """Start an attempt and read its page (untimed), then time the submission."""
        start_body = urlencode({"csrfmiddlewaretoken": tokens[index]}).encode()
        try:
            status, headers, _ = client.request(
                "POST", start_path, body=start_body, headers=form_headers
            )
            if status != 302:
                raise FormError(f"start HTTP {status}")
            path = urlsplit(headers.get("Location", "")).path
            status, _, body = client.request("GET", path)
            if status != 200:
                raise FormError(f"page HTTP {status}")
            form = urlencode(AttemptForm(body.decode()).build(quiz["answer_key"])).encode()
        except FormError as error:
            return None, None, str(error), b""
        sent = time.perf_counter()
        status, headers, body = client.request("POST", path, body=form, headers=form_headers)
        done = time.perf_counter()
        ok = status == 302 and headers.get("Location", "").endswith("/result/")
        return sent, done, None if ok else f"submit HTTP {status}", body

    return runner.closed_loop(
        clients, SUBMIT, server=server, warmup=warmup, seconds=seconds, exchange=cycle
    )


def measure(clients, tokens, quiz, server, args) -> dict[str, list[runner.Sample]]:
    """The bare view and the submission in alternate rounds, the order swapping each round."""
    samples: dict[str, list[runner.Sample]] = {BARE[0]: [], SUBMIT: []}
    seconds = args.seconds / args.rounds
    print(
        f"Measuring the bare view and the submission in {args.rounds} rounds of {seconds:g}s "
        f"each, {args.clients} clients:",
        flush=True,
    )
    for number in range(args.rounds):
        turn = [BARE[0], SUBMIT] if number % 2 == 0 else [SUBMIT, BARE[0]]
        print(f"  round {number + 1}:", end="", flush=True)
        for name in turn:
            if name == SUBMIT:
                sample = submit_loop(
                    clients, tokens, quiz, server=server, warmup=args.warmup, seconds=seconds
                )
            else:
                sample = runner.closed_loop(
                    clients, BARE[1], server=server, warmup=args.warmup, seconds=seconds
                )
            samples[name].append(sample)
            errors = sum(sample.errors.values())
            print(
                f" {name} {sample.rps:.1f}/s" + (f" ({errors} errors)" if errors else ""),
                end=";" if name != turn[-1] else "\n",
                flush=True,
            )
    return samples


# --- Report ------------------------------------------------------------------------------------


def ratio(value, baseline):
    return runner.ratio(value, baseline, digits=4)


def report(*, args, started, duration, database, setup, server, samples) -> dict:
    endpoints = {name: runner.summarise(runs) for name, runs in samples.items()}
    for entry in endpoints.values():
        if cores := entry["cpu"].get("gunicorn_cores"):
            entry["gunicorn_cpu_ms_per_response"] = round(1000 * cores / entry["rps"], 2)
    submit, bare = endpoints[SUBMIT], endpoints[BARE[0]]
    submit["path"] = "/learn/attempts/<key>/ (POST, action=submit)"
    submit["note"] = (
        "rps counts timed submissions; each also needed a start POST and a page GET (untimed), "
        "so gunicorn_cpu_ms_per_response is CPU per whole cycle of three requests"
    )
    queries = setup["queries"]["submit"]
    submit["queries_per_request"] = queries["count"]
    submit["queries"] = queries["sql"]
    submit["rps_by_round_ratio_to_bare"] = [
        ratio(mine.rps, theirs.rps)
        for mine, theirs in zip(samples[SUBMIT], samples[BARE[0]], strict=True)
    ]
    bare_rounds = bare["rps_by_round"]
    return {
        **runner.report_header("quiz", started, duration),
        **runner.site_report(setup, database, server),
        "load": {
            "clients": args.clients,
            "seconds_per_endpoint": args.seconds,
            "rounds": args.rounds,
            "warmup_seconds": args.warmup,
            "request_timeout_seconds": args.request_timeout,
            "model": "closed loop, one signed-in session per client; for the submission each "
            "client starts an attempt (POST), reads the attempt page (GET), fills in the "
            "correct answers from it and times only the POST of the form with action=submit",
        },
        "seed": {
            "demo": "seed_demo --quiet",
            "course": setup["learners"]["course"],
            "learners": setup["learners"]["count"],
            "quiz": {k: v for k, v in setup["quiz"].items() if k != "answer_key"},
            "quiz_rules": "fixed questions, options shuffled, attempts_allowed=0, "
            "cooldown_minutes=0, no time limit; every submission is all correct (a pass)",
            "queries_counted_for": setup["learners"]["sample_learner"],
            "setup_seconds": setup["timings_seconds"],
        },
        "baseline": "bare",
        "baseline_spread": {
            "bare_rps_max_over_min": ratio(max(bare_rounds), min(bare_rounds)),
            "meaning": "how far the bare view's throughput moved between rounds",
        },
        "endpoints": endpoints,
        "ratios": {
            SUBMIT: {
                "rps": ratio(submit["rps"], bare["rps"]),
                "p50": ratio(submit["latency_ms"]["p50"], bare["latency_ms"]["p50"]),
                "p95": ratio(submit["latency_ms"]["p95"], bare["latency_ms"]["p95"]),
                "rps_median_of_rounds": ratio(
                    statistics.median(submit["rps_by_round_ratio_to_bare"]), 1
                ),
            }
        },
        "grading": setup["grading"],
    }


def print_summary(results: dict) -> None:
    load, db, srv = results["load"], results["database"], results["server"]
    print(
        f"\n{load['clients']} clients, {load['seconds_per_endpoint']:g}s per endpoint in "
        f"{load['rounds']} rounds; {db['engine']} {db['version']}; gunicorn {srv['workers']} "
        f"{srv['worker_class']} workers x {srv['threads']} thread(s); "
        f"{results['machine']['cpu_count']} cores"
    )
    header = (
        f"{'endpoint':<8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'queries':>7} {'rps/bare':>8} {'p95/bare':>8}"
    )
    print(header)
    print("-" * len(header))
    ratios = results["ratios"]
    for name, entry in results["endpoints"].items():
        lat = entry["latency_ms"]
        mine = ratios.get(name, {"rps": 1.0, "p95": 1.0})
        print(
            f"{name:<8} {entry['rps']:>7.1f} {num(lat['p50']):>8} {num(lat['p95']):>8} "
            f"{num(lat['p99']):>8} {entry['errors']:>6} "
            f"{entry.get('queries_per_request', ''):>7} "
            f"{num(mine['rps'], 3):>8} {num(mine['p95'], 2):>8}"
        )
    if results["endpoints"][SUBMIT]["error_kinds"]:
        print(f"submit errors: {results['endpoints'][SUBMIT]['error_kinds']}")
    print("submit: POST of a 10-question attempt (save ten answers, grade); req/s = submissions/s.")
    spread = results["baseline_spread"]["bare_rps_max_over_min"]
    if spread is not None and spread > 1.2:
        print(f"Warning: the bare view's throughput varied {spread:.2f}x between rounds.")

    grading = results["grading"]
    print(f"\nGrading in-process ({grading['what']}):")
    print(f"{'questions':>9} {'ms/attempt':>11} {'ms/question':>12} {'queries':>8}")
    for entry in grading["sizes"].values():
        print(
            f"{entry['questions']:>9} {entry['ms_per_attempt_median']:>11.2f} "
            f"{entry['ms_per_question']:>12.4f} {entry['queries_per_submit']:>8}"
        )
    fit = grading["fit"]
    print(
        f"ms/question at {max(int(k) for k in grading['sizes'])} vs "
        f"{min(int(k) for k in grading['sizes'])}: "
        f"{grading['ms_per_question_ratio_largest_to_smallest']:.2f}x "
        f"(1 = linear; below 1 = a fixed cost spread thinner). Fit: "
        f"{fit['fixed_ms_per_attempt']:.2f} ms + {fit['ms_per_question']:.4f} ms/question, "
        f"max residual {fit['max_residual_ms']:.2f} ms."
    )


if __name__ == "__main__":
    sys.exit(main())
