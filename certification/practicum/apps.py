from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticumConfig(AppConfig):
    """Placements, the hours ledger, supervision sessions, competency sign-offs and practicum
    notifications: for trainees, supervisors and registrars."""

    name = "certification.practicum"
    label = "practicum"
    verbose_name = _("Practicum and supervision")

    def ready(self):
        from lms.accounts.signals import invitation_accepted

        from .signal_handlers import place_trainee_who_joined

        invitation_accepted.connect(place_trainee_who_joined, dispatch_uid="practicum.place")
