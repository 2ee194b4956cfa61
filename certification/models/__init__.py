from .certificates import Certificate, CertificateSignatory, CertificateTemplate, StatusList
from .credentials import Attestation, CertificateName, CredentialEnrolment
from .organisations import CertificateNotice, CertificateShare
from .renewal import ContinuingEducation

__all__ = [
    "Attestation",
    "Certificate",
    "CertificateName",
    "CertificateNotice",
    "CertificateShare",
    "CertificateSignatory",
    "CertificateTemplate",
    "ContinuingEducation",
    "CredentialEnrolment",
    "StatusList",
]
