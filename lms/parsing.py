"""Reading numbers people (or scripts) type into forms and query strings.

`str.isdigit()` is not enough before `int()`: it accepts "²" and "①", which `int()` refuses,
and forty nines, which `int()` takes but no database id column can hold. These helpers say
None instead, so a view can answer with a message rather than a server error."""

from __future__ import annotations

ASCII_DIGITS = frozenset("0123456789")
MAX_ID = 2**31 - 1  # the largest value every id column holds on SQLite and PostgreSQL


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
