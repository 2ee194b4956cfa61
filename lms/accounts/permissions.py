"""Who may do what with people and organisations. Views, admin and exports ask here.

Every answer about a person's roles comes from `role_facts`: their staff groups, memberships
and whether they have a confirmed authenticator, read once per request and kept in each
process under the "roles" version (lms.cache), which any change to a membership, a group, an
organisation or an authenticator bumps (lms.accounts.apps), so every process sees it at once."""

from dataclasses import dataclass

from lms import cache as versioned

from .models import Membership, Passkey, TOTPDevice
from .roles import REGISTRARS, TRAINERS

ROLES_VERSION = "roles"
_FACTS_ATTRIBUTE = "_peerpath_role_facts"


@dataclass(frozen=True)
class MembershipFact:
    organisation_id: int
    slug: str
    name: str
    kind: str
    role: str


@dataclass(frozen=True)
class RoleFacts:
    """What decides a person's roles: no user flags (those are read with the user)."""

    groups: frozenset[str]
    memberships: tuple[MembershipFact, ...]
    has_device: bool  # a confirmed authenticator app
    has_passkey: bool = False  # a registered passkey (either one is a second factor)

    def roles(self, organisation=None) -> set[str]:
        return {
            m.role
            for m in self.memberships
            if organisation is None or m.organisation_id == organisation.pk
        }


def _read_facts(user_id) -> RoleFacts:
    from django.contrib.auth.models import Group

    memberships = (
        Membership.objects.filter(user_id=user_id)
        .order_by("organisation__name", "role")
        .values_list(
            "organisation_id",
            "organisation__slug",
            "organisation__name",
            "organisation__kind",
            "role",
        )
    )
    return RoleFacts(
        groups=frozenset(Group.objects.filter(user=user_id).values_list("name", flat=True)),
        memberships=tuple(MembershipFact(*row) for row in memberships),
        has_device=TOTPDevice.objects.filter(user_id=user_id, confirmed_at__isnull=False).exists(),
        has_passkey=Passkey.objects.filter(user_id=user_id).exists(),
    )


def role_facts(user) -> RoleFacts:
    """The person's groups, memberships and authenticator: once per request (kept on the user
    object), and from this process's memory while the roles version stands."""
    facts = getattr(user, _FACTS_ATTRIBUTE, None)
    if facts is None:
        facts = versioned.kept(ROLES_VERSION, user.pk, lambda: _read_facts(user.pk))
        setattr(user, _FACTS_ATTRIBUTE, facts)
    return facts


def roles_changed(*args, **kwargs) -> None:
    """Signal receiver: a membership, group, organisation or authenticator changed."""
    versioned.bump(ROLES_VERSION)


def has_role(user, role, organisation=None) -> bool:
    """True when the user holds the role (in the organisation, when one is given)."""
    if not user.is_authenticated:
        return False
    return role in role_facts(user).roles(organisation)


def has_staff_role(user, group: str, *, groups=None) -> bool:
    """Active superusers, and active members of the staff group `group` (roles.TRAINERS,
    roles.REGISTRARS): the site-wide roles `sync_roles` keeps. `groups`: the user's group
    names when the caller has read them already (one query for several questions)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if groups is None:
        groups = role_facts(user).groups
    return group in groups


def is_registrar(user, *, groups=None) -> bool:
    """The one answer to "is a registrar": the Registrars group, and superusers."""
    return has_staff_role(user, REGISTRARS, groups=groups)


def is_trainer(user, *, groups=None, roles=None) -> bool:
    """The one answer to "is a trainer": the Trainers group (site-wide), a trainer of an
    organisation, and superusers. `groups` and `roles` (the user's group names and membership
    roles) when the caller has read them already."""
    if has_staff_role(user, TRAINERS, groups=groups):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    if roles is not None:
        return Membership.Role.TRAINER in roles
    return has_role(user, Membership.Role.TRAINER)


def can_manage_organisation(user, organisation) -> bool:
    """Organisation admins manage members and invitations of their own organisation;
    superusers manage every organisation."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Membership.Role.ORG_ADMIN, organisation)
