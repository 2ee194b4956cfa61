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
    def unused(self):
        """Records no renewal has counted yet."""
        return self.filter(used_for__isnull=True)

    def between(self, start, end):
        """Records completed from `start` to `end`, both included."""
        return self.filter(completed_on__gte=start, completed_on__lte=end)


class ContinuingEducation(models.Model):
    """One continuing-education activity: hours on a topic on a date, with evidence."""

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
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ce_records",
        help_text=_("The renewed certificate this record counted toward."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContinuingEducationQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-pk"]
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
