from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = "Certification"

    def ready(self):
        # Alignments are certification data; add their editor to course and module pages here
        # so that the courses app never imports certification (dependencies point one way).
        from wagtail.admin.panels import InlinePanel

        from courses.models import CoursePage, ModulePage

        for page_type in (CoursePage, ModulePage):
            page_type.content_panels = [
                *page_type.content_panels,
                InlinePanel(
                    "alignments",
                    heading=_("Aligned to"),
                    label=_("Framework domain or competency"),
                ),
            ]

        # Completing events (courses, practicum) queue certificate issuing on commit.
        from . import signal_handlers

        signal_handlers.connect()

        # Public verification caches records; any change to a certificate clears its entry.
        from . import verify_cache

        verify_cache.connect()
