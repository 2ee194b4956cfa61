from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    """External exam results (a board's exam, recorded by a registrar with its evidence):
    an input to eligibility, as the practicum is, so the credentials app reads it."""

    name = "certification.exams"
    label = "exams"
    verbose_name = _("Exam results")
    default_auto_field = "django.db.models.BigAutoField"
