from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """Eligibility, certificates, their lifecycle and renewal, the PDF, Open Badges and the
    issuer documents: for trainees, holders and registrars."""

    name = "certification.credentials"
    label = "credentials"
    verbose_name = _("Credentials and certificates")

    def ready(self):
        # The app registry must be ready before these modules import models. `tasks` is
        # imported to register the tasks the services enqueue by name (a worker discovers
        # them itself; the in-process eager runner needs them registered here).
        from . import signal_handlers, tasks  # noqa: F401

        # Completing events (courses, practicum) queue certificate issuing on commit.
        signal_handlers.connect()
