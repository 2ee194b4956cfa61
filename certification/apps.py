from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = "Certification"

    def ready(self):
        # Completing events (courses, practicum) queue certificate issuing on commit.
        from . import signal_handlers

        signal_handlers.connect()

        # Public verification caches records; any change to a certificate clears its entry.
        from . import verify_cache

        verify_cache.connect()
