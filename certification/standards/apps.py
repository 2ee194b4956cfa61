from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    """Frameworks, domains and competencies, and the alignment of courses and questions to
    them: the reference data every later certification app points at."""

    name = "certification.standards"
    label = "standards"
    verbose_name = _("Frameworks and standards")

    def ready(self):
        # Alignments are standards data; add their editor to course and module pages here
        # so that the courses app never imports this one (dependencies point one way).
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
