from .audit import AuditEvent
from .frameworks import Competency, CourseAlignment, Domain, Framework, QuestionAlignment
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
    "QuestionAlignment",
    "Rating",
    "SignOffRating",
    "SignOffRequest",
    "SupervisionSession",
]
