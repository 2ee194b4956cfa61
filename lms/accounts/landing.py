"""Where each person lands after signing in, and the tools their navigation shows. One
answer for both, from the person's roles (`permissions`): a registrar lands on the registrar
desk, a trainer on Teaching, an organisation admin on the members page, a supervisor on the
people they supervise, a verifier on the roster check, a learner on their dashboard. Someone
with several roles lands on the first of those and sees every role's tools.

The pages named here belong to apps above this one: they are reversed by URL name, never
imported."""

from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lms import cache as versioned

from . import permissions
from .models import Membership


@dataclass(frozen=True)
class Tool:
    """One link of a role's navigation."""

    label: str
    url: str
    # URL namespaces ("teach") or view names ("teach:marking") of the pages that belong to
    # this tool (its link is marked as the current page there).
    sections: tuple[str, ...] = ()


class Roles:
    """A person's roles, asked of `permissions` once per request and kept (its role facts
    come from the process's memory while nothing about roles changes). Every attribute is
    the answer of the permission function it names."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def signed_in(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

    @cached_property
    def memberships(self) -> list[tuple[str, str]]:
        """(organisation slug, role) for every membership, in a stable order."""
        if not self.signed_in:
            return []
        return [(m.slug, m.role) for m in permissions.role_facts(self.user).memberships]

    def slugs(self, *roles) -> list[str]:
        return list(dict.fromkeys(slug for slug, role in self.memberships if role in roles))

    @cached_property
    def groups(self) -> frozenset[str]:
        """The user's staff group names, read once for every question below."""
        if not self.signed_in:
            return frozenset()
        return permissions.role_facts(self.user).groups

    @cached_property
    def registrar(self) -> bool:
        return self.signed_in and permissions.is_registrar(self.user, groups=self.groups)

    @cached_property
    def trainer(self) -> bool:
        return self.signed_in and permissions.is_trainer(
            self.user, groups=self.groups, roles={role for _slug, role in self.memberships}
        )

    @property
    def superuser(self) -> bool:
        return self.signed_in and self.user.is_superuser

    @property
    def admin_of(self) -> list[str]:
        return self.slugs(Membership.Role.ORG_ADMIN)

    @property
    def supervisor(self) -> bool:
        return bool(self.slugs(Membership.Role.SUPERVISOR))

    @property
    def verifier_of(self) -> list[str]:
        """Organisations whose roster check the person may use (verifiers and admins:
        certification.permissions.VERIFYING_ROLES)."""
        return self.slugs(Membership.Role.VERIFIER, Membership.Role.ORG_ADMIN)

    @property
    def learner(self) -> bool:
        """A trainee of an organisation, or someone with no other role (a person who has just
        registered belongs to no organisation yet)."""
        return self.signed_in and (
            bool(self.slugs(Membership.Role.TRAINEE))
            or not (
                self.registrar
                or self.trainer
                or self.superuser
                or self.memberships
                or self.user.is_staff
            )
        )


def tools(roles: Roles) -> list[Tool]:
    """Every tool the person's roles give them, most urgent work first, each once."""
    if not roles.signed_in:
        return []
    found: list[Tool] = []
    if roles.registrar:
        found.append(Tool(_("Registrar desk"), reverse("desk:home"), ("desk",)))
    if roles.trainer:
        found += [
            Tool(
                _("Cohorts and statistics"),
                reverse("teach:cohorts"),
                ("teach:cohorts", "teach:cohort", "teach:quiz_statistics"),
            ),
            Tool(_("Marking"), reverse("teach:marking"), ("teach:marking", "teach:mark")),
        ]
    for slug in roles.admin_of:
        found.append(
            Tool(
                _("Members and invitations"),
                reverse("accounts:organisation", kwargs={"slug": slug}),
                ("accounts:organisation",),
            )
        )
    if roles.supervisor:
        found.append(Tool(_("Supervision"), reverse("practicum:home"), ("practicum",)))
    verifying = roles.verifier_of
    if len(verifying) == 1:
        found += [
            Tool(
                _("Roster check"),
                reverse("organisations:roster", kwargs={"slug": verifying[0]}),
                ("organisations:roster",),
            ),
            Tool(
                _("Watch list"),
                reverse("organisations:watch", kwargs={"slug": verifying[0]}),
                ("organisations:watch",),
            ),
        ]
    elif verifying:
        found.append(
            Tool(
                _("Roster check and watch lists"), reverse("organisations:list"), ("organisations",)
            )
        )
    if roles.learner:
        found.append(Tool(_("My learning"), reverse("learn:dashboard"), ("learn",)))
        if not roles.supervisor:
            found.append(Tool(_("Practicum"), reverse("practicum:home"), ("practicum",)))
    if roles.superuser or roles.user.is_staff:
        found.append(Tool(_("Admin"), reverse("wagtailadmin_home")))
    return list({tool.url: tool for tool in found}.values())


def kept_tools(user) -> list[Tool]:
    """`tools` for the signed-in person, kept in this process while the roles version
    stands (their role facts are kept under it too), per language, with the labels in it."""
    key = ("tools", user.pk, user.is_superuser, user.is_staff, user.is_active, get_language())

    def build():
        return [replace(tool, label=str(tool.label)) for tool in tools(Roles(user))]

    return versioned.kept(permissions.ROLES_VERSION, key, build)


def landing_url(user) -> str:
    """Where `user` lands after signing in: where their work is. The superuser's work is the
    admin; otherwise the first tool of `tools` (most urgent role first); Profile for anyone
    with no tool at all."""
    if user.is_superuser and user.is_active:
        return reverse("wagtailadmin_home")
    found = kept_tools(user)
    return found[0].url if found else reverse("accounts:profile")


def safe_next(request, target: str) -> str:
    """`target` if it is a path on this site, else "" (a `next` that points elsewhere is
    ignored, never followed)."""
    on_this_site = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    )
    return target if on_this_site else ""


def is_current(tool: Tool, request) -> bool:
    """Whether the page being shown belongs to one of the tool's sections."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return any(
        section in (match.view_name, match.namespace.split(":")[0]) for section in tool.sections
    )
