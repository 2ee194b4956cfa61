from .events import AuditCheckpoint, AuditEvent
from .outbox import OutboxMessage

__all__ = ["AuditCheckpoint", "AuditEvent", "OutboxMessage"]
