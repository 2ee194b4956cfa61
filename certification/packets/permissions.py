"""Who may see what of a packet: its trainee, everything; a supervisor, the attestation they
are asked for; everyone, the public verify page. One function per question, asked by every
view (the confirming service checks the supervisor again, under its lock)."""

from django.http import Http404

from .models import Packet, SupervisorAttestation


def own_packet(user, packet_id: int) -> Packet:
    """The user's own packet; anyone else's (drafts above all) does not exist for them."""
    if not user.is_authenticated:
        raise Http404
    packet = Packet.objects.filter(pk=packet_id, trainee=user).first()
    if packet is None:
        raise Http404
    return packet


def may_build(user) -> bool:
    """Every signed-in person builds packets for themselves only."""
    return user.is_authenticated


def attestation_to_confirm(user, attestation_id: int) -> SupervisorAttestation:
    """The attestation this user is asked for, as its supervisor; anyone else's (and every
    attestation, for anyone else) does not exist for them."""
    if not user.is_authenticated:
        raise Http404
    found = (
        SupervisorAttestation.objects.select_related("packet", "supervisor")
        .filter(pk=attestation_id, supervisor=user)
        .first()
    )
    if found is None:
        raise Http404
    return found
