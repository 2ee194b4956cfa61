from .audit import AuditEvent
from .frameworks import Competency, CourseAlignment, Domain, Framework
from .notifications import Notification
from .practicum import ActivityType, Placement, PlacementSupervisor, PracticumEntry
from .supervision import Rating, SignOffRating, SignOffRequest, SupervisionSession

__all__ = [
    "ActivityType",
    "AuditEvent",
    "Competency",
    "CourseAlignment",
    "Domain",
    "Framework",
    "Notification",
    "Placement",
    "PlacementSupervisor",
    "PracticumEntry",
    "Rating",
    "SignOffRating",
    "SignOffRequest",
    "SupervisionSession",
]
