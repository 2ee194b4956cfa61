"""The public address of the site, for links that leave it (emails, signed credentials, PDFs,
the OpenAPI document): one place that joins `settings.SITE_URL` and a path."""

from django.conf import settings


def absolute_url(path: str = "") -> str:
    """`path` (starting with /, or empty for the site root without its slash) on the site's
    public address, whether or not SITE_URL ends with a slash."""
    return settings.SITE_URL.rstrip("/") + path
