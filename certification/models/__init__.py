from .frameworks import Competency, CourseAlignment, Domain, Framework
from .practicum import ActivityType, Placement, PlacementSupervisor, PracticumEntry

__all__ = [
    "ActivityType",
    "Competency",
    "CourseAlignment",
    "Domain",
    "Framework",
    "Placement",
    "PlacementSupervisor",
    "PracticumEntry",
]
