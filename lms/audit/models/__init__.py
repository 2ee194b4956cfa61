from .events import AuditEvent
from .outbox import OutboxMessage

__all__ = ["AuditEvent", "OutboxMessage"]
