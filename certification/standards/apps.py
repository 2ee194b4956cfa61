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

        # Contact hours are stored by domain key in courses, which cannot import this app:
        # it checks keys (and names domains) through this lookup.
        from courses.services import contact_hours

        from .services import frameworks

        contact_hours.register_domain_lookup(frameworks.domain_labels)

        # Any change to the standards makes what pages kept of them stale.
        from django.db.models.signals import post_delete, post_save

        from .models import Competency, Credential, CredentialVersion, Domain, Framework

        for model in (Framework, Domain, Competency, Credential, CredentialVersion):
            for event, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    frameworks.standards_changed,
                    sender=model,
                    dispatch_uid=f"standards.changed.{model.__name__}.{event}",
                )
