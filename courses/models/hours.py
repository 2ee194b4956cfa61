"""Approved contact hours of courses and modules: what a board accepts as training, as distinct
from the estimated reading time. A trainer proposes, a registrar approves; each approval is a
new numbered version, and a completion keeps the version it was completed under."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.hours import ZERO, Delivery


class ContactHoursVersionQuerySet(models.QuerySet):
    def approved(self):
        """Versions a registrar approved (only these count for anything)."""
        return self.filter(status=ContactHoursVersion.Status.APPROVED)

    def proposed(self):
        """Proposals waiting for a registrar."""
        return self.filter(status=ContactHoursVersion.Status.PROPOSED)


class ContactHoursVersion(models.Model):
    """One proposal, or one approved version, of a course's or module's contact hours.
    Approved versions are numbered per page and never change: a change after approval is a
    new proposal and, once approved, the next number."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for a registrar")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Returned")

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="contact_hours_versions",
        help_text=_("A course or a module."),
    )
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    title = models.CharField(
        _("title as approved"),
        max_length=255,
        help_text=_("The title certificates and the training record show."),
    )
    total = models.DecimalField(_("contact hours"), max_digits=6, decimal_places=2)
    # {"icrc-pr/ethics": "8.00", ...}: domain keys of the frameworks (validated by the
    # lookup the standards app registers; this app sits below it and stores strings).
    hours_by_domain = models.JSONField(_("hours by domain"), default=dict, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.CHOICES, default=Delivery.SELF_PACED
    )
    face_to_face = models.DecimalField(
        _("face-to-face hours"), max_digits=6, decimal_places=2, default=ZERO
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why a proposal was returned (shown to the trainer)."),
    )

    objects = ContactHoursVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact hours version")
        ordering = ["page", "-number", "-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "number"],
                condition=models.Q(number__isnull=False),
                name="courses_contact_hours_number_once",
            ),
            models.UniqueConstraint(
                fields=["page"],
                condition=models.Q(status="proposed"),
                name="courses_contact_hours_one_proposal",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(number__isnull=False),
                name="courses_contact_hours_approved_numbered",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0)
                & models.Q(face_to_face__gte=0)
                & models.Q(face_to_face__lte=models.F("total")),
                name="courses_contact_hours_in_range",
            ),
        ]

    def __str__(self):
        if self.number:
            return f"{self.title}: {self.total} h (version {self.number})"
        return f"{self.title}: {self.total} h ({self.get_status_display()})"

    @property
    def domain_hours(self) -> dict[str, Decimal]:
        return {key: Decimal(value) for key, value in (self.hours_by_domain or {}).items()}

    @property
    def delivery_label(self) -> str:
        return Delivery.label(self.delivery)
