from .credentials import Credential, CredentialVersion
from .frameworks import (
    Competency,
    CourseAlignment,
    Domain,
    Framework,
    QuestionAlignment,
    Verification,
)

__all__ = [
    "Competency",
    "CourseAlignment",
    "Credential",
    "CredentialVersion",
    "Domain",
    "Framework",
    "QuestionAlignment",
    "Verification",
]
