from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = "Certification"

    def ready(self):
        # Course alignments are certification data; add their editor to the course page here
        # so that the courses app never imports certification (dependencies point one way).
        from wagtail.admin.panels import InlinePanel

        from courses.models import CoursePage

        CoursePage.content_panels = [
            *CoursePage.content_panels,
            InlinePanel(
                "alignments", heading=_("Aligned to"), label=_("Framework domain or competency")
            ),
        ]

        # Completing events (courses, practicum) queue certificate issuing on commit.
        from . import signal_handlers

        signal_handlers.connect()
