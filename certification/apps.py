from django.apps import AppConfig


class CertificationConfig(AppConfig):
    """The package of certification apps (standards, practicum, credentials, verification,
    organisations). As an app it only keeps the migration history: its migrations created
    the tables the sub-apps now own, and moved each model's state to its app."""

    name = "certification"
    verbose_name = "Certification"
