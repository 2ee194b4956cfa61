"""Reading numbers people (or scripts) type into forms and query strings.

`str.isdigit()` is not enough before `int()`: it accepts "²" and "①", which `int()` refuses,
and forty nines, which `int()` takes but no database id column can hold. These helpers say
None instead, so a view can answer with a message rather than a server error."""

from __future__ import annotations

import json

ASCII_DIGITS = frozenset("0123456789")
MAX_ID = 2**31 - 1  # the largest value every id column holds on SQLite and PostgreSQL
# Far deeper than any answer (a matching answer is a list of pairs), far shallower than
# Python's recursion limit, which the decoder and every later walk of the value would hit.
MAX_JSON_DEPTH = 32


class TooDeepError(ValueError):
    """JSON nested past MAX_JSON_DEPTH."""


def small_int(value, *, maximum: int = MAX_ID) -> int | None:
    """The whole number written in ASCII digits (0 to `maximum`), or None."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 12 or not set(text) <= ASCII_DIGITS:
        return None
    number = int(text)
    return number if number <= maximum else None


def ids(values) -> list[int]:
    """The usable ids among submitted values (a checkbox list); junk is dropped."""
    return [n for n in (small_int(v) for v in values) if n is not None]


def text(value) -> str:
    """A submitted text without NUL characters, which no keyboard types and PostgreSQL
    refuses to store (forms say "Null characters are not allowed"; views reading the raw
    POST drop them)."""
    return str(value if value is not None else "").replace("\x00", "")


def without_nul(value):
    """A decoded JSON value with NUL characters dropped from every string in it (PostgreSQL's
    jsonb refuses \\u0000)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def json_value(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """Submitted JSON decoded, refusing (TooDeepError) what is nested past `max_depth`, before
    anything walks it recursively; ValueError or UnicodeDecodeError for what is not JSON."""
    try:
        value = json.loads(raw)
    except RecursionError:  # deeper than the decoder can go at all
        raise TooDeepError("nested too deeply") from None
    stack = [(value, 1)]  # a loop, not recursion: depth is what is being measured
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > max_depth:
                raise TooDeepError("nested too deeply")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value


def hours_mapping(text: str) -> dict[str, float] | None:
    """Lines of "code: hours" (e.g. "icrc-pr/ethics: 16") as a mapping, or None when a line
    is not of that shape or its number is negative or not finite. Blank lines are skipped."""
    result = {}
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        key, sep, value = line.rpartition(":")
        try:
            number = float(value)
        except ValueError:
            return None
        if not sep or not key.strip() or not (0 <= number < 10_000):
            return None
        result[key.strip()] = number
    return result
