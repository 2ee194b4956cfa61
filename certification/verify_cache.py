"""The cache behind public verification: a certificate's public record per code (so a warm
lookup costs no query), and the few site settings every page's header and footer show.

Only findable certificates are cached: an unknown, malformed, hidden or pending code is
looked up in the database every time, so it costs the same whatever the reason, and a
certificate that becomes findable (its PDF stored, shown again by its holder) shows at once.
Every change to a certificate clears its entry and that of any certificate it replaced (whose
record links to it), immediately and again on commit, so a reader that filled the cache from
the old row before the commit cannot leave a stale record behind for longer than the short
time-to-live. Keys carry the date, because "valid" turns into "expired" at midnight (UTC)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from . import services
from .models import Certificate

CHROME_SECONDS = 300


def _key(code: str, today) -> str:
    return f"verify:record:v1:{code}:{today.isoformat()}"


def public_record_for(text) -> dict | None:
    """The public record for a typed or scanned code, or None for every code that cannot be
    shown. At most one query; none when the record is cached."""
    code = services.normalise_code(text)
    if code is None:
        return None
    today = timezone.localdate()
    seconds = settings.PEERPATH_VERIFY_CACHE_SECONDS
    if seconds > 0:
        record = cache.get(_key(code, today))
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
    cache.delete_many([_key(code, today) for code in codes if code])


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


def site_chrome(request) -> dict:
    """What base.html reads from site settings (`settings.cms.X.field`), cached per host, so
    a verification page costs no query for its header and footer. Passed to the template as
    `settings`, which takes precedence over Wagtail's lazy settings context processor. One
    cache entry for every host, so saving any site's settings clears them all."""
    host = request.get_host()
    chromes = cache.get(CHROME_KEY) or {}
    chrome = chromes.get(host)
    if chrome is None:
        from cms.models import BrandingSettings, SupportSettings

        branding = BrandingSettings.for_request(request)
        support = SupportSettings.for_request(request)
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


def on_site_settings_saved(sender, instance, **kwargs):
    cache.delete(CHROME_KEY)
    transaction.on_commit(lambda: cache.delete(CHROME_KEY))


def connect():
    from cms.models import BrandingSettings, SupportSettings

    from .signals import certificate_changed

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
