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

from .models import Placement, PlacementSupervisor


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


def can_read_session_notes(user, session) -> bool:
    """Only the pair: the trainee and the supervisor who recorded the session."""
    return user.is_authenticated and user.pk in (
        session.placement.trainee_id,
        session.supervisor_id,
    )


def supervisor_links_for(user):
    return PlacementSupervisor.objects.filter(supervisor=user)


# Credentials and certificates.


def can_view_certificate(user, certificate) -> bool:
    """The holder, and staff who may manage certificates, see a certificate's holder page."""
    if not user.is_authenticated:
        return False
    return certificate.trainee_id == user.pk or can_manage_certificates(user)


def can_manage_certificates(user) -> bool:
    """Registrars (and superusers): issue manually, see pending renders and their errors."""
    return user.is_authenticated and user.has_perm("certification.add_certificate")


def can_edit_credentials(user) -> bool:
    """Registrars edit credential rules (each change a new version)."""
    return user.is_authenticated and user.has_perm("certification.change_credential")


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
