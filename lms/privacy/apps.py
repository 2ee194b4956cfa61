from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A person's data rights (export, erasure, retention), wellbeing check-ins and the
    lived-experience statement. Other apps' data reaches it only through the registry each
    app contributes to (`registry.py`; each app's `data_rights.py`)."""

    name = "lms.privacy"
    label = "privacy"
    verbose_name = "Privacy and wellbeing"

    def ready(self):
        from . import registry

        registry.discover()
