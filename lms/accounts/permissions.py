"""Who may do what with people and organisations. Views, admin and exports ask here."""

from .models import Membership
from .roles import REGISTRARS, TRAINERS


def has_role(user, role, organisation=None) -> bool:
    """True when the user holds the role (in the organisation, when one is given)."""
    if not user.is_authenticated:
        return False
    memberships = user.memberships.filter(role=role)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.exists()


def has_staff_role(user, group: str) -> bool:
    """Active superusers, and active members of the staff group `group` (roles.TRAINERS,
    roles.REGISTRARS): the site-wide roles `sync_roles` keeps."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=group).exists()


def is_registrar(user) -> bool:
    """The one answer to "is a registrar": the Registrars group, and superusers."""
    return has_staff_role(user, REGISTRARS)


def is_trainer(user) -> bool:
    """The one answer to "is a trainer": the Trainers group (site-wide), a trainer of an
    organisation, and superusers."""
    return has_staff_role(user, TRAINERS) or (
        user.is_authenticated and user.is_active and has_role(user, Membership.Role.TRAINER)
    )


def can_manage_organisation(user, organisation) -> bool:
    """Organisation admins manage members and invitations of their own organisation;
    superusers manage every organisation."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Membership.Role.ORG_ADMIN, organisation)
