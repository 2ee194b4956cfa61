"""Who may see and act on credentials and certificates. (Kept apart from the practicum's
`permissions.py` while both are being written; one module per app once merged.)"""

from .models import Certificate


def can_view_certificate(user, certificate: Certificate) -> bool:
    """The holder, and staff who may manage certificates, see a certificate's holder page."""
    if not user.is_authenticated:
        return False
    return certificate.trainee_id == user.pk or can_manage_certificates(user)


def can_manage_certificates(user) -> bool:
    """Registrars (and superusers): issue manually, see pending renders and their errors."""
    return user.is_authenticated and user.has_perm("certification.add_certificate")


def can_edit_credentials(user) -> bool:
    return user.is_authenticated and user.has_perm("certification.change_credential")
