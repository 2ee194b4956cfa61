from .notifications import Notification
from .onboarding import SupervisorInvitation
from .practicum import ActivityType, Placement, PlacementSupervisor, PracticumEntry
from .supervision import Rating, SignOffRating, SignOffRequest, SupervisionSession

__all__ = [
    "ActivityType",
    "Notification",
    "Placement",
    "PlacementSupervisor",
    "PracticumEntry",
    "Rating",
    "SignOffRating",
    "SignOffRequest",
    "SupervisionSession",
    "SupervisorInvitation",
]
