from .certificates import Certificate, CertificateSignatory, CertificateTemplate, StatusList
from .credentials import Attestation, CertificateName, CredentialEnrolment
from .notifications import Notification
from .organisations import CertificateNotice, CertificateShare
from .practicum import ActivityType, Placement, PlacementSupervisor, PracticumEntry
from .renewal import ContinuingEducation
from .supervision import Rating, SignOffRating, SignOffRequest, SupervisionSession

__all__ = [
    "ActivityType",
    "Attestation",
    "Certificate",
    "CertificateName",
    "CertificateNotice",
    "CertificateShare",
    "CertificateSignatory",
    "CertificateTemplate",
    "ContinuingEducation",
    "CredentialEnrolment",
    "Notification",
    "Placement",
    "PlacementSupervisor",
    "PracticumEntry",
    "Rating",
    "SignOffRating",
    "SignOffRequest",
    "StatusList",
    "SupervisionSession",
]
