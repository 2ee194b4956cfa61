from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    """Recognition of prior learning, one requirement at a time: a trainee asks for credit
    for a course, a block of training hours by domain, practicum hours or a competency, with
    evidence; an assessor accepts, accepts in part or declines with a reason. Accepted credit
    counts wherever the requirement is checked, always shown as recognised prior learning."""

    name = "certification.recognition"
    label = "recognition"
    verbose_name = _("Recognition of prior learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.hours import register_source

        from .services.claims import hours_lines

        register_source("prior_learning", hours_lines)
