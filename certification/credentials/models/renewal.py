"""Continuing education, entered by the holder, counted toward renewing a certificate. A
record counts toward one renewal only: the renewal marks the records it used (`used_for`),
and from then on they are kept as its evidence and cannot be deleted."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_HOURS_PER_RECORD = Decimal("100")


def evidence_path(instance, filename: str) -> str:
    # A random name: the holder's file name may say something personal, and the path must
    # not be guessable. Evidence is only ever served through a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"ce-evidence/{uuid.uuid4().hex}.{extension}"


class ContinuingEducationQuerySet(models.QuerySet):
    def approved(self):
        """Records a registrar approved: the only self-reported hours a renewal counts."""
        return self.filter(review_status=ContinuingEducation.Review.APPROVED)

    def waiting(self):
        """Records waiting in the registrars' review queue."""
        return self.filter(review_status=ContinuingEducation.Review.PENDING)

    def unused(self):
        """Records no renewal has counted yet."""
        return self.filter(used_for__isnull=True)

    def between(self, start, end):
        """Records completed from `start` to `end`, both included."""
        return self.filter(completed_on__gte=start, completed_on__lte=end)


class ContinuingEducation(models.Model):
    """One continuing-education activity: hours on a topic on a date, with evidence. Self-
    reported, so it counts toward a renewal only once a registrar has approved it; a share
    of records is picked for audit and needs an evidence document before approval."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.continuingeducation"

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ce_records"
    )
    title = models.CharField(_("what you did"), max_length=200)
    provider = models.CharField(_("who provided it"), max_length=200, blank=True)
    topic = models.SlugField(_("topic"), max_length=40)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.25"), _("Give at least a quarter of an hour.")),
            MaxValueValidator(
                MAX_HOURS_PER_RECORD, _("One record can be at most 100 hours; split it.")
            ),
        ],
    )
    completed_on = models.DateField(_("date completed"))
    evidence_text = models.TextField(
        _("evidence"),
        max_length=2000,
        blank=True,
        help_text=_("For example a certificate number, or who can confirm it."),
    )
    evidence_file = models.FileField(_("evidence document"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    used_for = models.ForeignKey(
        "credentials.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ce_records",
        help_text=_("The renewed certificate this record counted toward."),
    )
    review_status = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    # Picked for audit when recorded (see `renewal.picked_for_audit`); kept, so a later change
    # of the rate never changes a decision already made.
    audit_sampled = models.BooleanField(_("picked for audit"), default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The registrar's reason for returning it, for the holder. Never public.
    return_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContinuingEducationQuerySet.as_manager()

    class Meta:
        db_table = "certification_continuingeducation"
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["review_status", "created_at"], name="ce_review_queue")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="certification_ce_hours_positive"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.hours} h, {self.topic})"

    @property
    def topic_label(self) -> str:
        return self.topic.replace("_", " ").replace("-", " ").capitalize()
