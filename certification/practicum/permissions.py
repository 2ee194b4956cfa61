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

from django.http import Http404
from django.utils import timezone

from lms.accounts.models import Membership

from .models import Placement


def placements_supervised_now(user, *, today=None):
    """Placements the user may act on as a supervisor today (active or in the grace period)."""
    if not (user.is_authenticated and user.is_active):
        return Placement.objects.none()
    today = today or timezone.localdate()
    candidates = Placement.objects.filter(supervisor_links__supervisor=user, starts_on__lte=today)
    candidates = candidates.exclude(trainee=user)
    return candidates.filter(pk__in=[p.pk for p in candidates if p.open_for_signing(today)])


def own_placement(user, placement_id) -> Placement:
    """The trainee's own placement, or 404 (never saying whether it exists)."""
    placement = (
        Placement.objects.select_related("host")
        .prefetch_related("supervisor_links__supervisor")
        .filter(pk=placement_id, trainee=user)
        .first()
        if user.is_authenticated and user.is_active
        else None
    )
    if placement is None:
        raise Http404
    return placement


def supervised_placement(user, placement_id) -> Placement:
    """A placement the user supervises and may see now, or 404."""
    placement = (
        placements_supervised_now(user)
        .select_related("host", "trainee")
        .prefetch_related("supervisor_links__supervisor")
        .filter(pk=placement_id)
        .first()
    )
    if placement is None:
        raise Http404
    return placement


def may_supervise_at(user, host) -> bool:
    """Supervisors are people with the supervisor role in the placement host."""
    return Membership.objects.filter(
        user=user, organisation=host, role=Membership.Role.SUPERVISOR
    ).exists()
