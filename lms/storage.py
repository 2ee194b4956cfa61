"""Where files live: the STORAGES setting, built from the environment (lms/settings/base.py).

Every file Peerpath keeps (certificate PDFs, renewal evidence, Wagtail documents and images)
is read and written through Django's storage API by name, never by a path on disk, so that
several web nodes and workers can share one S3-compatible bucket.

- "default": private files. Served only by the app's own permission-checked views (which
  stream them from storage) or by signed URLs that expire after `signed_url_seconds`; in a
  bucket they sit under "private/", which nobody can read without a signature.
- "public": what anyone may fetch (image renditions, shown on public pages). In a bucket they
  sit under "public/", readable by everyone through `public_acl` (or, with providers that
  refuse ACLs, a bucket policy on that prefix: set PEERPATH_S3_PUBLIC_ACL to empty).
- "staticfiles": Django's default here; production.py puts WhiteNoise's in.

Without a bucket both are the local filesystem under MEDIA_ROOT, as before: one machine, or
several sharing one mounted directory.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.signals import setting_changed
from django.dispatch import receiver

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
STATICFILES = "django.contrib.staticfiles.storage.StaticFilesStorage"


def storages(
    *,
    bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    signed_url_seconds: int = 300,
    public_acl: str = "public-read",
    public_domain: str = "",
) -> dict:
    """The STORAGES setting: the local filesystem, or the bucket `bucket` when it is named.

    Credentials are not settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
    an instance role, or ~/.aws) by itself."""
    if not bucket:
        return {
            "default": {"BACKEND": FILESYSTEM},
            "public": {"BACKEND": FILESYSTEM},
            "staticfiles": {"BACKEND": STATICFILES},
        }
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # Names are chosen by the app (certificates/<uuid>.pdf) or made unique by Django's
        # get_available_name; never overwrite a file another node has just written.
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    return {
        "default": {
            "BACKEND": S3,
            "OPTIONS": {
                **common,
                "location": "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": signed_url_seconds,
            },
        },
        "public": {
            "BACKEND": S3,
            "OPTIONS": {
                **common,
                "location": "public",
                "default_acl": public_acl or None,
                "querystring_auth": False,
                # A CDN or the bucket's public host name in front of "public/", if any.
                "custom_domain": public_domain or None,
            },
        },
        "staticfiles": {"BACKEND": STATICFILES},
    }


_origins: str | None = None


def file_origins() -> str:
    """The origins besides the site's own that its pages load stored files from (image
    renditions, signed URLs of a certificate's logo): the bucket's, for the Content-Security-
    Policy's img-src; empty when files are on the local filesystem (served by the site)."""
    global _origins
    if _origins is None:
        from django.core.files.storage import storages as configured

        found: list[str] = []
        for alias in ("default", "public"):
            parts = urlsplit(configured[alias].url("origin-probe"))
            origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
            if origin and origin not in found:
                found.append(origin)
        _origins = " ".join(found)
    return _origins


@receiver(setting_changed)
def _forget_origins(*, setting, **kwargs):
    global _origins
    if setting == "STORAGES":
        _origins = None
