"""Demo packets: the graduate's complete packet (every part, their supervisor's attestation
confirmed) and the demo trainee's draft. Idempotent: a person who has a packet keeps it."""

from certification.credentials.models import Certificate
from certification.credentials.services import certificates as certificate_services
from certification.packets.models import Packet, Section, SupervisorAttestation
from certification.packets.services import packets as packet_services
from lms.accounts.models import User

GRADUATE_EMAIL = "graduate@peerpath.example"
TRAINEE_EMAIL = "trainee@peerpath.example"


def seed_packets() -> None:
    graduate = User.objects.filter(email=GRADUATE_EMAIL).first()
    if graduate is not None and not Packet.objects.filter(trainee=graduate).exists():
        # seed_demo runs in one transaction, so the certificate's queued render has not run
        # yet: store its PDF now (the queued task then finds it stored and does nothing).
        for pk in Certificate.objects.filter(
            trainee=graduate, status=Certificate.Status.PENDING
        ).values_list("pk", flat=True):
            certificate_services.store_certificate_pdf(certificate_id=pk)
        packet = packet_services.make_packet(
            trainee=graduate,
            sections=Section.values,
            draft=not packet_services.ready_for_board(graduate),
        )
        for attestation in SupervisorAttestation.objects.filter(packet=packet):
            packet_services.confirm_attestation(
                supervisor=attestation.supervisor, attestation_id=attestation.pk
            )
    trainee = User.objects.filter(email=TRAINEE_EMAIL).first()
    if trainee is not None and not Packet.objects.filter(trainee=trainee).exists():
        packet_services.make_packet(trainee=trainee, sections=Section.values, draft=True)


def demo_packet_lines() -> list[str]:
    """What seed_demo prints about the demo packets."""
    lines = []
    for email, label in ((GRADUATE_EMAIL, "Demo packet"), (TRAINEE_EMAIL, "Demo draft packet")):
        packet = Packet.objects.filter(trainee__email=email).first()
        if packet is not None:
            lines.append(
                f"{label} ({packet.content.get('holder_name', '')}): verification code "
                f"{packet.grouped_code}\n  {packet.verification_url}"
            )
    return lines
