"""Who may use an organisation's roster check and watch list, and who may share a
certificate with an organisation. Views ask here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lms.accounts.models import Membership, Organisation

VERIFYING_ROLES = (Membership.Role.VERIFIER, Membership.Role.ORG_ADMIN)


def verifying_organisations(user):
    """Organisations whose roster check and watch list the user may use: those where they
    are a verifier or an organisation admin (superusers too must be members: a watch list
    is consent given to that organisation only)."""
    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=VERIFYING_ROLES
    ).distinct()


def organisation_for_verifying(user, slug):
    """The organisation, if the user may check rosters and see its watch list. A member in
    another role (a trainee, a supervisor) gets 403; anyone else 404."""
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
