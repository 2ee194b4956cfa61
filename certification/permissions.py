"""Who may see and do what with credentials, certificates, organisations' rosters and watch
lists, sharing and renewal. Views, admin and exports ask here (the practicum's own rules are
in `certification.practicum.permissions`)."""

from django.http import Http404

from lms.accounts.models import Membership
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


# Organisations: rosters and watch lists; holders sharing; renewal.

VERIFYING_ROLES = (Membership.Role.VERIFIER, Membership.Role.ORG_ADMIN)


def verifying_organisations(user):
    """Organisations whose roster check and watch list the user may use: those where they
    are a verifier or an organisation admin (superusers too must be members: a watch list
    is consent given to that organisation only)."""
    from lms.accounts.models import Organisation

    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=VERIFYING_ROLES
    ).distinct()


def organisation_for_verifying(user, slug):
    """The organisation, if the user may check rosters and see its watch list. A member in
    another role (a trainee, a supervisor) gets 403; anyone else 404."""
    from django.core.exceptions import PermissionDenied

    organisation = verifying_organisations(user).filter(slug=slug).first()
    if organisation is not None:
        return organisation
    if (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation__slug=slug).exists()
    ):
        raise PermissionDenied
    raise Http404


def can_share_certificate(user, certificate) -> bool:
    """Only the holder shares their certificate (consent is theirs to give)."""
    return user.is_authenticated and certificate.trainee_id == user.pk


def can_renew_certificate(user, certificate) -> bool:
    """The holder, or a registrar, sees the renewal checklist and renews."""
    return user.is_authenticated and (
        certificate.trainee_id == user.pk or can_manage_certificates(user)
    )


def can_see_ce_record(user, record) -> bool:
    """A continuing-education record (and its evidence): the holder and registrars."""
    return user.is_authenticated and (record.holder_id == user.pk or can_manage_certificates(user))
