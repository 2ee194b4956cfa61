"""A board application packet and the supervisor attestations it can carry.

A packet is frozen when it is made: `content` holds the public snapshot (nothing
lived-experience: no descriptions, reflections, notes, accounts or comments) and `clr` the
signed Comprehensive Learner Record built from it. Whether each record in it still stands is
worked out when someone looks (`services.standing`), never stored."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.site import absolute_url


class Section(models.TextChoices):
    """The parts a trainee chooses to include, in the order the packet shows them."""

    TRAINING = "training", _("Training hours, with each course certificate")
    PRACTICUM = "practicum", _("Experience and supervision hours, with each supervisor")
    SIGNOFFS = "signoffs", _("Competency sign-offs, with each rater")
    ETHICS = "ethics", _("The ethics attestation")
    EXAMS = "exams", _("Exam results")
    PRIOR_LEARNING = "prior_learning", _("Recognised prior learning")
    CERTIFICATES = "certificates", _("Peerpath's certificates")
    ATTESTATIONS = "attestations", _("A supervisor attestation page per placement")


class PacketQuerySet(models.QuerySet):
    def for_trainee(self, user):
        """The packets this trainee made for themselves."""
        return self.filter(trainee=user)


class Packet(models.Model):
    """A trainee's board application packet. Never edited after it is made, except that a
    supervisor's confirmation re-signs its record (the code stays)."""

    audit_label = "packets.packet"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="packets"
    )
    verification_code = models.CharField(max_length=25, unique=True)
    draft = models.BooleanField(
        default=True, help_text=_("Made before the trainee was ready; marked DRAFT throughout.")
    )
    sections = models.JSONField(default=list)
    content = models.JSONField(default=dict)
    clr = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The stored PDF (private storage), named by a digest of the page it was rendered from:
    # services.documents serves it only while that page is still what is true.
    pdf_name = models.CharField(max_length=200, blank=True, editable=False)

    objects = PacketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        kind = "Draft packet" if self.draft else "Packet"
        return f"{kind} {self.grouped_code}"

    def get_absolute_url(self):
        return reverse("packets:detail", kwargs={"packet_id": self.pk})

    @property
    def grouped_code(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 5] for i in range(0, len(code), 5))

    @property
    def verification_url(self) -> str:
        return absolute_url(reverse("verify:certificate", args=[self.verification_code]))


class SupervisorAttestation(models.Model):
    """A supervisor's confirmation, for a board, of the hours a packet shows for their
    placement. Asked for when the packet is made; confirmed once, with one signed action."""

    audit_label = "packets.supervisorattestation"

    packet = models.ForeignKey(Packet, on_delete=models.PROTECT, related_name="attestations")
    placement = models.ForeignKey(
        "practicum.Placement", on_delete=models.PROTECT, related_name="packet_attestations"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="packet_attestations"
    )
    qualification = models.CharField(max_length=250, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of what the supervisor confirmed.")
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["packet", "placement", "supervisor"], name="packets_attest_once"
            )
        ]

    def __str__(self):
        return f"Attestation by {self.supervisor} for packet {self.packet_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
