"""The `id` path converter, used for every whole number in the project's URLs.

Django's `int` converter takes any run of digits, and the view then puts it into a query. A
number past the column's range fails inside the database: SQLite cannot bind an integer past
2**63-1 (OverflowError), and Django's own guard for out-of-range lookups covers integer
fields but not the one-to-one `page_ptr` key that every page type (course, lesson, quiz) is
looked up by. The URL then answers 500 instead of 404.

`id` refuses, at the URL, any number no column holds, so the pattern does not match and the
request is "not found". The limit is 2**63-1, the largest value of a PostgreSQL `bigint` and
of SQLite's INTEGER, which our BigAutoField ids (DEFAULT_AUTO_FIELD) may reach. Page ids are
Wagtail's 32-bit AutoField on PostgreSQL; a larger number compared with them finds no row
there, which is the right answer, so the limit is not lowered to 2**31-1 for them."""

from django.urls import register_converter
from django.urls.converters import get_converters

MAX_COLUMN_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        # More digits than 2**63-1 has cannot hold it; checked first so no long number is
        # converted at all.
        if len(value.lstrip("0")) > len(str(MAX_COLUMN_ID)):
            raise ValueError("past every id column")
        number = int(value)
        if number > MAX_COLUMN_ID:
            raise ValueError("past every id column")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register_id_converter() -> None:
    """Make `<id:...>` available to URL patterns (called from an app's `ready()`, which runs
    before any URL configuration is imported)."""
    if "id" not in get_converters():  # ready() may run twice (tests); Django warns then
        register_converter(IdConverter, "id")
