from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    """The public verify page and JSON, its cache, the PDF check and the OpenAPI document:
    for anyone checking a certificate (employers, the public, API clients)."""

    name = "certification.verification"
    label = "verification"
    verbose_name = _("Public verification")

    def ready(self):
        # The app registry must be ready before the cache's module imports models.
        from . import cache

        # Any change to a certificate clears its cached public record.
        cache.connect()
