"""Outside training: a piece of training a trainee did elsewhere, recorded with its
certificate, counted toward credentials only once a registrar has verified it."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.hours import Delivery


def certificate_path(instance, filename: str) -> str:
    # A random name: the trainee's file name may say something personal, and the path must
    # not be guessable. The file is only ever served through a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"outside-training/{uuid.uuid4().hex}.{extension}"


class OutsideTrainingQuerySet(models.QuerySet):
    def waiting(self):
        """Records waiting for a registrar, oldest submission first."""
        return self.filter(status=OutsideTraining.Status.PENDING).order_by("submitted_at", "pk")

    def for_trainees(self, user_ids):
        """Every record of these people."""
        return self.filter(trainee_id__in=list(user_ids))


class OutsideTraining(models.Model):
    """One outside training with its certificate: provider, title, date, hours by domain,
    delivery and topics. Verified ones are locked; a returned one is corrected and sent
    again (the same record, each move in the audit trail)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a registrar")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned for changes")

    # Allowed status moves (`services.set_status` is the only writer of `status`).
    MOVES = {
        Status.PENDING: {Status.VERIFIED, Status.RETURNED, Status.PENDING},
        Status.RETURNED: {Status.PENDING},
        Status.VERIFIED: set(),
    }

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outside_trainings"
    )
    title = models.CharField(_("training title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    completed_on = models.DateField(_("date completed"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    hours_by_domain = models.JSONField(
        _("hours by domain"), default=dict, blank=True, help_text=_('{"framework/code": "hours"}')
    )
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.CHOICES)
    live_hours = models.DecimalField(
        _("hours taught live"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("For blended training: how many of the hours were taught live."),
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    certificate = models.FileField(_("certificate"), upload_to=certificate_path)
    certificate_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    return_reason = models.TextField(
        _("reason for returning"),
        blank=True,
        help_text=_("What to change, for the trainee. Never lived-experience text."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outside_training_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutsideTrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="hours_outside_positive"),
            models.CheckConstraint(
                condition=models.Q(live_hours__gte=0) & models.Q(live_hours__lte=models.F("hours")),
                name="hours_outside_live_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.hours} h)"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def face_to_face(self) -> Decimal:
        if self.delivery in Delivery.LIVE:
            return self.hours
        if self.delivery == Delivery.BLENDED:
            return self.live_hours
        return Decimal("0")
