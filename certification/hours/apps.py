from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoursConfig(AppConfig):
    """The training-hours ledger: every training hour a trainee has, by domain and by source
    (Peerpath courses, live sessions, outside training), against the credentials they work
    toward; outside training recorded with its certificate and verified by a registrar."""

    name = "certification.hours"
    label = "hours"
    verbose_name = _("Training hours")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The app registry must be ready before the services import models.
        from lms.hours import register_source

        from .services import outside_lines

        register_source("outside", outside_lines)
