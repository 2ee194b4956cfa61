"""The cache behind public verification: a certificate's public record per code (so a warm
lookup costs no query), and the few site settings every page's header and footer show.

Only findable certificates are cached: an unknown, malformed, hidden or pending code is
looked up in the database every time, so it costs the same whatever the reason, and a
certificate that becomes findable (its PDF stored, shown again by its holder) shows at once.
Every change to a certificate clears its entry and that of any certificate it replaced (whose
record links to it), immediately and again on commit, so a reader that filled the cache from
the old row before the commit cannot leave a stale record behind for longer than the short
time-to-live. Keys carry the date, because "valid" turns into "expired" at midnight (UTC).

An anonymous visitor's certificate page is put together from two cached parts, so that a
page costs no template rendering when warm and little when cold: the page shell (header,
footer, everything but the title and the record; per host, rebuilt when site settings or
pages change) and the record's title and content (per code and day, cleared with the
record). The CSP nonce is put into the shell per response. Signed-in visitors get the page
rendered in full (their header differs)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished, post_page_move

from certification.credentials.models import Certificate
from certification.credentials.services import codes as verification_codes
from certification.credentials.signals import certificate_changed
from cms.models import BrandingSettings, SupportSettings

from . import services

CHROME_SECONDS = 300
# Stands in for the CSP nonce in a cached shell (each response puts its own back).
NONCE_PLACEHOLDER = "@@csp-nonce-5b1e@@"


def _key(code: str, today) -> str:
    return f"verify:record:v2:{code}:{today.isoformat()}"


def _page_key(code: str, today) -> str:
    return f"verify:page:v2:{code}:{today.isoformat()}"


def record_keys(text) -> list[str]:
    """The cache keys `public_record_for` reads, to fetch ahead (with the rate limit)."""
    code = verification_codes.normalise_code(text)
    if code is None or settings.PEERPATH_VERIFY_CACHE_SECONDS <= 0:
        return []
    return [_key(code, timezone.localdate())]


def page_keys(text) -> list[str]:
    """The cache keys `anonymous_page` reads, to fetch ahead (with the rate limit)."""
    code = verification_codes.normalise_code(text)
    if code is None:
        return []
    if settings.PEERPATH_VERIFY_CACHE_SECONDS <= 0:
        return [SHELL_KEY]
    today = timezone.localdate()
    return [_page_key(code, today), SHELL_KEY, _key(code, today)]


def public_record_for(text, *, found: dict | None = None) -> dict | None:
    """The public record for a typed or scanned code, or None for every code that cannot be
    shown. At most one query; none when the record is cached. `found`: the cache entries
    already fetched (see `record_keys`), so the cache is not asked again."""
    code = verification_codes.normalise_code(text)
    if code is None:
        return None
    today = timezone.localdate()
    seconds = settings.PEERPATH_VERIFY_CACHE_SECONDS
    if seconds > 0:
        key = _key(code, today)
        record = found.get(key) if found is not None else cache.get(key)
        if record is not None:
            return record
    certificate = services.find_certificate(code)
    if certificate is None:
        return None
    record = services.public_record(certificate, today=today)
    if seconds > 0:
        cache.set(_key(code, today), record, seconds)
    return record


def forget(codes) -> None:
    """Clear the cached records of these (canonical) codes."""
    today = timezone.localdate()
    codes = [code for code in codes if code]
    cache.delete_many([_key(code, today) for code in codes] + [_page_key(c, today) for c in codes])


def _codes_touched(certificate: Certificate) -> list[str]:
    # The certificate's own record, and that of the one it replaced (its "replaced by" link
    # depends on this certificate being findable).
    replaced = Certificate.objects.filter(replaced_by_id=certificate.pk).values_list(
        "verification_code", flat=True
    )
    return [certificate.verification_code, *replaced]


def _invalidate(certificate: Certificate) -> None:
    codes = _codes_touched(certificate)
    forget(codes)
    transaction.on_commit(lambda: forget(codes))


def on_certificate_changed(sender, certificate, change=None, **kwargs):
    _invalidate(certificate)


def on_certificate_saved(sender, instance, created=False, **kwargs):
    if created:
        return  # a new certificate is pending: not findable, so nothing cached
    _invalidate(instance)


# --- Header and footer ----------------------------------------------------------------------


CHROME_KEY = "verify:chrome:v1"


def _settings(model, request):
    """The site's settings, or the defaults when no Wagtail site answers for the host: a
    verification page is never refused because the site record is missing."""
    try:
        return model.for_request(request)
    except model.DoesNotExist:
        return model()


def site_chrome(request) -> dict:
    """What base.html reads from site settings (`settings.cms.X.field`), cached per host, so
    a verification page costs no query for its header and footer. Passed to the template as
    `settings`, which takes precedence over Wagtail's lazy settings context processor. One
    cache entry for every host, so saving any site's settings clears them all."""
    host = request.get_host()
    chromes = cache.get(CHROME_KEY) or {}
    chrome = chromes.get(host)
    if chrome is None:
        branding, support = (
            _settings(BrandingSettings, request),
            _settings(SupportSettings, request),
        )
        chrome = {
            "cms": {
                "BrandingSettings": {
                    "site_name": branding.site_name,
                    "tagline": branding.tagline,
                    "footer_text": branding.footer_text,
                },
                "SupportSettings": {
                    "heading": support.heading,
                    "quick_exit_url": support.quick_exit_url,
                },
            }
        }
        cache.set(CHROME_KEY, {**chromes, host: chrome}, CHROME_SECONDS)
    return chrome


def on_site_settings_saved(sender, instance=None, **kwargs):
    keys = [CHROME_KEY, SHELL_KEY]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# --- An anonymous visitor's certificate page -------------------------------------------------

SHELL_KEY = "verify:shell:v1"
TITLE_MARK = "@@verify-title@@"
CONTENT_MARK = "@@verify-content@@"


def _shell(request, shells: dict, render_shell) -> list[str]:
    """The page around the record, in three pieces (before the title, between title and
    record, after the record), with the nonce as a placeholder; rendered on a miss."""
    host = request.get_host()
    shell = shells.get(host)
    if shell is None:
        html = render_shell(request)
        nonce = getattr(request, "csp_nonce", "")
        if nonce:
            html = html.replace(nonce, NONCE_PLACEHOLDER)
        head, rest = html.split(TITLE_MARK, 1)
        middle, tail = rest.split(CONTENT_MARK, 1)
        shell = [head, middle, tail]
        cache.set(SHELL_KEY, {**shells, host: shell}, CHROME_SECONDS)
    return shell


def anonymous_page(
    request, text, *, render_parts, render_shell, found: dict | None = None
) -> str | None:
    """The certificate page for a visitor with no session, or None for every code that
    cannot be shown. `render_parts(record)` gives (title, content) as HTML;
    `render_shell(request)` the page with the markers; `found` the entries of `page_keys`
    already fetched. No cache round trip of its own when warm, and at most one query when
    the record is not cached."""
    code = verification_codes.normalise_code(text)
    if code is None:
        return None
    today = timezone.localdate()
    seconds = settings.PEERPATH_VERIFY_CACHE_SECONDS
    key = _page_key(code, today)
    if found is None:
        found = cache.get_many(page_keys(code))
    parts = found.get(key)
    if parts is None:
        record = public_record_for(code, found=found)
        if record is None:
            return None
        parts = list(render_parts(record))
        if seconds > 0:
            cache.set(key, parts, seconds)
    head, middle, tail = _shell(request, found.get(SHELL_KEY) or {}, render_shell)
    nonce = getattr(request, "csp_nonce", "")
    return "".join((head, parts[0], middle, parts[1], tail)).replace(NONCE_PLACEHOLDER, nonce)


def connect():
    certificate_changed.connect(on_certificate_changed, dispatch_uid="certification.verify.changed")
    post_save.connect(
        on_certificate_saved, sender=Certificate, dispatch_uid="certification.verify.saved"
    )
    for model in (BrandingSettings, SupportSettings):
        post_save.connect(
            on_site_settings_saved,
            sender=model,
            dispatch_uid=f"certification.verify.chrome.{model.__name__}",
        )
    # The shell's header links to the catalogue: a page change may move it.
    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ):
        signal.connect(on_site_settings_saved, dispatch_uid=f"certification.verify.shell.{name}")
