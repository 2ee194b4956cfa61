from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    """Roster checks, certificates shared with organisations, watch lists and the notices
    sent to them: for employers' verifiers and admins, and holders who share."""

    name = "certification.organisations"
    label = "organisations"
    verbose_name = _("Organisations and sharing")

    def ready(self):
        # The app registry must be ready before these modules import models. `tasks` is
        # imported to register the tasks the services enqueue by name (a worker discovers
        # them itself; the in-process eager runner needs them registered here).
        from . import signal_handlers, tasks  # noqa: F401

        # Watch lists hear of revocations and replacements; renewals carry shares forward.
        signal_handlers.connect()
