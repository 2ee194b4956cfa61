from .certificates import Certificate, CertificateSignatory, CertificateTemplate, StatusList
from .credentials import (
    Attestation,
    CertificateName,
    Credential,
    CredentialEnrolment,
    CredentialVersion,
)
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
    "Credential",
    "CredentialEnrolment",
    "CredentialVersion",
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
