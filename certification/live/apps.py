from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    """Live and virtual sessions: scheduling, calendars, reminders, check-in codes, signed
    attendance registers and make-ups; the "session" source of training hours."""

    name = "certification.live"
    label = "live"
    verbose_name = _("Live sessions and attendance")

    def ready(self):
        # The ledger and course completion ask every registered source and check; this app
        # sits above both (lms.hours) so it registers itself rather than being imported.
        from lms import hours

        # `tasks` registers the tasks the services enqueue by name.
        from . import tasks  # noqa: F401
        from .services import credit, upcoming

        hours.register_source("session", credit.hours_lines)
        hours.register_completion_check("session", credit.missing_required_sessions)
        upcoming.connect()
