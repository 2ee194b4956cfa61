from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticumConfig(AppConfig):
    """Placements, the hours ledger, supervision sessions, competency sign-offs and practicum
    notifications: for trainees, supervisors and registrars."""

    name = "certification.practicum"
    label = "practicum"
    verbose_name = _("Practicum and supervision")
