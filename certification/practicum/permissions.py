"""Who may see and do what in the practicum. Every practicum view and admin view asks here.

- A trainee sees their own placements, entries, sessions (with the private notes) and
  sign-off requests, and acts on their own drafts.
- A supervisor sees the placements they supervise, only from the start until the end plus
  the grace period, and never their own placement. They see what the trainee shares with a
  supervisor: preferred name, pronouns and the practicum record; never contact details, the
  legal name, reflections or anything else from the trainee's learning.
- Private session notes stay with that supervisor and that trainee.
- Registrars and superusers manage placements in the admin; they see the ledger (numbers,
  states, descriptions) but not private session notes."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from lms.accounts.models import Membership, Organisation
from lms.accounts.permissions import is_registrar

from .models import Placement, PlacementSupervisor


def _signing_candidates(user, today):
    return Placement.objects.filter(
        supervisor_links__supervisor=user, starts_on__lte=today
    ).exclude(trainee=user)


def placements_supervised_now(user, *, today=None):
    """Placements the user may act on as a supervisor today (active or in the grace period)."""
    if not (user.is_authenticated and user.is_active):
        return Placement.objects.none()
    today = today or timezone.localdate()
    candidates = _signing_candidates(user, today)
    return candidates.filter(pk__in=[p.pk for p in candidates if p.open_for_signing(today)])


def own_placement(user, placement_id) -> Placement:
    """The trainee's own placement, or 404 (never saying whether it exists)."""
    placement = (
        Placement.objects.select_related("host", "trainee")
        .prefetch_related(
            Prefetch("supervisor_links", PlacementSupervisor.objects.select_related("supervisor"))
        )
        .filter(pk=placement_id, trainee=user)
        .first()
        if user.is_authenticated and user.is_active
        else None
    )
    if placement is None:
        raise Http404
    return placement


def supervised_link(user, placement_id) -> PlacementSupervisor:
    """The user's place as supervisor on a placement they may see now
    (`placements_supervised_now`), with the placement, its host and its trainee, or 404.
    One query."""
    if not (user.is_authenticated and user.is_active):
        raise Http404
    today = timezone.localdate()
    link = (
        PlacementSupervisor.objects.select_related("placement__host", "placement__trainee")
        .filter(supervisor=user, placement_id=placement_id, placement__starts_on__lte=today)
        .exclude(placement__trainee=user)
        .first()
    )
    if link is None or not link.placement.open_for_signing(today):
        raise Http404
    return link


def supervised_placement(user, placement_id) -> Placement:
    """A placement the user supervises and may see now, with its host and trainee, or 404."""
    return supervised_link(user, placement_id).placement


def may_supervise_at(user, host) -> bool:
    """Supervisors are people with the supervisor role in the placement host."""
    return Membership.objects.filter(
        user=user, organisation=host, role=Membership.Role.SUPERVISOR
    ).exists()


def can_onboard_for(user, organisation) -> bool:
    """Who invites supervisors and uploads cohorts for an organisation, and approves the
    qualifications of supervisors at a host: its organisation admins, and registrars (and
    superusers), who act for every organisation. An admin of one organisation never acts
    for another."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_registrar(user):
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ORG_ADMIN
    ).exists()


def organisation_to_onboard(user, slug) -> Organisation:
    """The organisation, if the user may onboard for it; else 404 (never saying whether it
    exists)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can_onboard_for(user, organisation):
        raise Http404
    return organisation


def link_to_decide(user, link_id) -> PlacementSupervisor:
    """A placement's supervisor whose qualification the user may approve and whose evidence
    they may open: at a host they administer (or any, for registrars); else 404."""
    link = (
        PlacementSupervisor.objects.select_related(
            "placement__host", "placement__trainee", "supervisor", "invitation"
        )
        .filter(pk=link_id)
        .first()
        if user.is_authenticated
        else None
    )
    if link is None or not can_onboard_for(user, link.placement.host):
        raise Http404
    return link
