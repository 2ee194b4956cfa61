from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The hash-chained audit trail and the task outbox: the lowest layer every other app
    writes its history and its must-not-be-lost tasks through."""

    name = "lms.audit"
    label = "audit"
    verbose_name = "Audit trail and outbox"
