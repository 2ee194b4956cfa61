"""Who may see and do what with credentials, certificates and renewal. Views, admin and
exports ask here (organisations' rosters, watch lists and sharing ask
`certification.organisations.permissions`)."""

from lms.accounts.permissions import is_registrar

# Credentials and certificates.


def can_view_certificate(user, certificate) -> bool:
    """The holder, and staff who may manage certificates, see a certificate's holder page."""
    if not user.is_authenticated:
        return False
    return certificate.trainee_id == user.pk or can_manage_certificates(user)


def can_manage_certificates(user) -> bool:
    """Registrars (and superusers): issue manually, see pending renders and their errors."""
    return is_registrar(user)


# Renewal.


def can_renew_certificate(user, certificate) -> bool:
    """The holder, or a registrar, sees the renewal checklist and renews."""
    return user.is_authenticated and (
        certificate.trainee_id == user.pk or can_manage_certificates(user)
    )


def can_see_ce_record(user, record) -> bool:
    """A continuing-education record (and its evidence): the holder and registrars."""
    return user.is_authenticated and (record.holder_id == user.pk or can_manage_certificates(user))


# Eligibility letters.


def can_see_letter(user, letter) -> bool:
    """An eligibility letter's PDF: the person it is about, and registrars."""
    return user.is_authenticated and (letter.trainee_id == user.pk or can_manage_certificates(user))
