"""A claim for credit toward one requirement, and the assessor's decision on it."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.crypto import EncryptedTextField


def evidence_path(instance, filename: str) -> str:
    # A random name: the file's own name may say something personal, and the path must not
    # be guessable. Evidence is only ever served through a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"prior-learning/{uuid.uuid4().hex}.{extension}"


class PriorLearningClaim(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("A course")
        TRAINING_HOURS = "training_hours", _("Training hours by domain")
        PRACTICUM_HOURS = "practicum_hours", _("Practicum hours")
        COMPETENCY = "competency", _("A competency")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for an assessor")
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Accepted in part")
        DECLINED = "declined", _("Declined")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prior_learning_claims"
    )
    kind = models.CharField(_("credit for"), max_length=20, choices=Kind.choices)
    title = models.CharField(
        _("what you did"),
        max_length=200,
        help_text=_("The training, role or qualification, e.g. “Mental Health First Aid, 2024”."),
    )
    provider = models.CharField(_("who provided or supervised it"), max_length=200, blank=True)
    completed_on = models.DateField(_("when you finished it"))
    course_slug = models.SlugField(_("course"), max_length=255, blank=True)
    credential_code = models.SlugField(_("toward the credential"), max_length=60, blank=True)
    competency_key = models.CharField(_("competency"), max_length=100, blank=True)
    hours_by_domain = models.JSONField(_("hours by domain"), default=dict, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("2000"))],
    )
    # How it meets the requirement, in the trainee's words: may tell of their own history,
    # so it is encrypted, shown only to them and assessors, never on a public page or packet.
    description = EncryptedTextField(_("how it meets the requirement"), blank=True)
    evidence_file = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    granted_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    granted_by_domain = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("assess_priorlearningclaim", "Can assess prior learning claims")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def credited(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.PARTLY_ACCEPTED)

    @property
    def asks_hours(self) -> bool:
        return self.kind in (self.Kind.TRAINING_HOURS, self.Kind.PRACTICUM_HOURS)
