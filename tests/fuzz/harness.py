"""The fuzzing harness: hostile values, one target per form or endpoint, and the checks every
submission must pass.

A target names the role that posts, the address, a strategy per field and the tables the
form may write. Each generated submission is posted through the Django test client inside a
savepoint that is rolled back afterwards, so every example starts from the same world. The
checks: never a 500 (the test client re-raises the view's exception); a refused submission
changes nothing in the target's tables, says what is wrong, and shows again what was typed
in the fields that are shown back."""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

MAX_EXAMPLES = int(os.environ.get("PEERPATH_FUZZ_EXAMPLES", "200"))
IN_CI = os.environ.get("PEERPATH_REQUIRE_ALL") == "1" or bool(os.environ.get("CI"))

# derandomize in CI: the same inputs on every run, so a red build is reproducible.
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=IN_CI,
    database=None,
    # PEERPATH_FUZZ_NO_SHRINK=1 reports the first failing input as found (faster to triage).
    phases=[Phase.explicit, Phase.generate]
    if os.environ.get("PEERPATH_FUZZ_NO_SHRINK") == "1"
    else list(Phase),
    # The world is built once per test by fixtures; every example rolls back to it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\x85\u2028\u2029"
ODD = "ab <>&\"'`é漢字🙂\u202e\u200b\ufeff\u0301%{}$\\/;"

# Strings that have broken parsers before: numerals that str.isdigit() accepts but int()
# refuses, impossible dates, floats that overflow, markup, path tricks.
TRICKY = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "inf",
    "-0",
    "²",
    "¹²",
    "٣",
    "①",
    "1.5",
    "1,5",
    "0x10",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "99999-01-01",
    "0001-01-01",
    "24:61",
    "25:00",
    "null",
    "[]",
    "{}",
    "true",
    "yes",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "a\x00b",
]

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(alphabet=CONTROL + ODD, max_size=40),
    st.builds(
        lambda unit, n: unit * n,
        st.sampled_from(["A", "é", "🙂", "\x00", "<", "9"]),
        st.sampled_from([201, 601, 1501, 4001, 20_000]),
    ),
    st.sampled_from(TRICKY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def junk_or(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Half plausible values (to reach the services behind the form), half junk."""
    return st.one_of(valid, text)


def dates() -> st.SearchStrategy:
    return junk_or(st.dates().map(lambda d: d.isoformat()))


def times() -> st.SearchStrategy:
    return junk_or(st.times().map(lambda t: t.strftime("%H:%M")))


def ints(lo: int = -(10**6), hi: int = 10**6) -> st.SearchStrategy:
    return junk_or(st.integers(lo, hi).map(str))


def choice(values) -> st.SearchStrategy:
    return junk_or(st.sampled_from([str(v) for v in values]))


@dataclass
class Target:
    """One form or endpoint to fuzz."""

    name: str
    role: str | None  # the demo email to sign in as; None for anonymous
    url: Callable[[object], str]  # world -> address
    fields: Callable[[object], dict[str, st.SearchStrategy]]  # world -> field strategies
    tables: tuple[str, ...] = ()  # "app_label.Model": rows a refusal must leave alone
    echo: tuple[str, ...] = ()  # fields whose typed value must come back on refusal
    files: Callable[[object], st.SearchStrategy] | None = None  # extra file fields
    json_body: bool = False  # POST a JSON body instead of a form
    method: str = "post"
    slow: bool = False  # each accepted submission runs a costly service (signing, rules)
    # A role whose sign-in waits for its two-factor code in the posting session: each
    # example starts from a fresh pending sign-in (second_step.start_pending).
    pending: str | None = None
    extra: dict = field(default_factory=dict)


def submissions(target: Target, world) -> st.SearchStrategy:
    """A form's data: each field present once, missing, or sent twice; sometimes an
    unexpected extra field."""
    per_field = {}
    for name, strategy in target.fields(world).items():
        per_field[name] = st.one_of(
            strategy,
            strategy,
            strategy,
            st.none(),  # missing
            st.lists(strategy, min_size=2, max_size=3),  # duplicated
        )
    base = st.fixed_dictionaries(per_field).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )
    extras = st.dictionaries(
        st.sampled_from(["csrfmiddlewaretoken", "id", "pk", "user", "x"]), text, max_size=2
    )
    return st.tuples(base, extras).map(lambda pair: {**pair[1], **pair[0]})


def snapshot(tables: tuple[str, ...]) -> dict[str, object]:
    """Per table: the row count and highest id, and a digest of every row when the table is
    small enough to read each time (append-only logs are covered by count and id)."""
    from django.apps import apps
    from django.db.models import Count, Max

    result = {}
    for label in tables:
        model = apps.get_model(label)
        rows = model._base_manager.all()
        shape = rows.aggregate(n=Count("pk"), top=Max("pk"))
        if shape["n"] <= 300:
            values = list(rows.order_by("pk").values_list())
            shape["digest"] = hashlib.sha256(repr(values).encode("utf-8", "replace")).hexdigest()
        result[label] = shape
    return result


def error_messages(response) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m) for m in get_messages(request) if m.level_tag == "error"]


def is_refusal(response) -> bool:
    if response.status_code in (301, 302, 303):
        return bool(error_messages(response))
    return response.status_code != 200 or _has_error_marker(response)


def _has_error_marker(response) -> bool:
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        return b'"error"' in response.content
    body = response.content
    return any(
        marker in body
        for marker in (b'role="alert"', b"message--error", b"field--error", b"error-summary")
    )


def says_what_is_wrong(response) -> bool:
    """A refusal explains itself: a message, an error summary, or an error page."""
    if response.status_code in (301, 302, 303):
        return bool(error_messages(response))
    if response.status_code == 405:
        return True  # a wrong method, not a form: the Allow header says what is accepted
    if response.status_code in (403, 404, 429):
        return bool(response.content.strip())
    return _has_error_marker(response)


def _value_kept(body: str, value: str) -> bool:
    # Views that read the raw POST drop NUL characters (no keyboard types one; PostgreSQL
    # refuses them), so what comes back is the text without them.
    # A Django form refuses them and shows the text back as typed, NULs included.
    if value.replace("\x00", "").strip() == "":
        return True
    candidates = set()
    for typed in {value, value.replace("\x00", "")}:
        # A field longer than any limit may come back cut at the limit (the input's
        # maxlength stops a browser there anyway); its start must still be there.
        typed = typed[:200]
        normalised = typed.replace("\r\n", "\n").replace("\r", "\n")
        for text in (typed, normalised):
            candidates |= {
                html.escape(text),
                html.escape(text, quote=False),
                html.escape(text).replace("&#x27;", "&#39;"),
            }
    return any(c in body for c in candidates)


def _start_pending_sign_in(client, user) -> None:
    """Give the client a session in which `user` gave the password and waits for the code,
    as the sign-in view leaves it. Inside the example's savepoint, so it is rolled back."""
    from django.conf import settings as django_settings
    from django.contrib.sessions.backends.cached_db import SessionStore

    from lms.accounts import second_step

    class Holder:  # what start_pending needs of a request
        session = SessionStore()

    second_step.start_pending(
        Holder,
        user=user,
        backend="django.contrib.auth.backends.ModelBackend",
        next_url="/",
    )
    Holder.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = Holder.session.session_key


class Stats:
    def __init__(self):
        self.examples = 0
        self.refused = 0
        self.accepted = 0


def fuzz(target: Target, world, client, *, stats: Stats | None = None) -> Stats:
    """Post `MAX_EXAMPLES` generated submissions to the target and check each."""
    stats = stats or Stats()
    if target.role:
        client.force_login(world.users[target.role])
    url = target.url(world)
    saved_cookies = SimpleCookie()
    saved_cookies.load(client.cookies.output(header="", sep=";"))
    strategy = submissions(target, world)
    if target.files is not None:
        strategy = st.tuples(strategy, target.files(world)).map(lambda p: {**p[0], **p[1]})

    @FUZZ_SETTINGS
    @given(data=strategy)
    def run(data):
        stats.examples += 1
        try:
            with transaction.atomic():
                if target.pending:
                    _start_pending_sign_in(client, world.users[target.pending])
                before = snapshot(target.tables)
                if target.json_body:
                    body = data.get("body", "")
                    body = body if isinstance(body, str) else "".join(body)
                    response = client.post(url, body, content_type="application/json")
                elif target.method == "get":
                    response = client.get(url, data)
                else:
                    response = client.post(url, data)
                check(target, data, response, before)
                transaction.set_rollback(True)
        finally:
            cache.clear()
            client.cookies = SimpleCookie()
            client.cookies.load(saved_cookies.output(header="", sep=";"))
            for file in data.values():
                if hasattr(file, "seek"):
                    file.seek(0)

    def check(target, data, response, before):
        assert response.status_code < 500, f"{target.name}: {response.status_code}"
        if not is_refusal(response):
            stats.accepted += 1
            return
        stats.refused += 1
        assert snapshot(target.tables) == before, (
            f"{target.name}: a refused submission ({response.status_code}) changed rows"
        )
        assert says_what_is_wrong(response), (
            f"{target.name}: refused ({response.status_code}) without saying why"
        )
        if response.status_code in (301, 302, 303, 403, 404, 405, 429):
            return
        if "html" not in response.get("Content-Type", ""):
            return
        body = response.content.decode("utf-8", "replace")
        for name in target.echo:
            value = data.get(name)
            if isinstance(value, str):
                assert _value_kept(body, value), (
                    f"{target.name}: the typed {name!r} was not shown back ({value[:80]!r})"
                )

    run()
    return stats
