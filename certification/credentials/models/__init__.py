from .certificates import (
    Certificate,
    CertificateSignatory,
    CertificateTemplate,
    IssuerIdentity,
    StatusList,
)
from .credentials import Attestation, CertificateName, CredentialEnrolment
from .letters import EligibilityLetter
from .renewal import ContinuingEducation

__all__ = [
    "Attestation",
    "Certificate",
    "CertificateName",
    "CertificateSignatory",
    "CertificateTemplate",
    "ContinuingEducation",
    "CredentialEnrolment",
    "EligibilityLetter",
    "IssuerIdentity",
    "StatusList",
]
