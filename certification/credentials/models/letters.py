"""Eligibility letters: Peerpath's statement that a person meets a credential's requirements
to sit a board's exam, for the person to send to the board. The letter states what was met
as it stood when issued (a snapshot, never lived-experience text) and has a verification
code; a registrar can withdraw it, and the public check then says so."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certification.standards.models import CredentialVersion
from lms.site import absolute_url

from ..services import codes


class EligibilityLetterQuerySet(models.QuerySet):
    def standing(self):
        """Letters not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class EligibilityLetter(models.Model):
    """One letter for one person, one credential version and its exam."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eligibility_letters"
    )
    credential_version = models.ForeignKey(
        CredentialVersion, on_delete=models.PROTECT, related_name="eligibility_letters"
    )
    exam_key = models.SlugField(max_length=60)
    board = models.CharField(max_length=200)
    exam_name = models.CharField(max_length=200)
    credential_title = models.CharField(max_length=200)
    holder_name = models.CharField(max_length=200)
    # What the letter states was met: [{"label": ..., "detail": ...}], numbers only.
    requirements = models.JSONField(default=list, blank=True)
    verification_code = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The registrar's reason, kept for registrars; the public check shows only the date.
    withdraw_reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = EligibilityLetterQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One standing letter per person and credential version: asking again returns it.
            models.UniqueConstraint(
                fields=["trainee", "credential_version"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="credentials_one_standing_letter",
            )
        ]

    def __str__(self):
        return f"Eligibility letter {self.grouped_code}"

    @property
    def grouped_code(self) -> str:
        return codes.grouped(self.verification_code)

    @property
    def verification_url(self) -> str:
        return absolute_url(f"/verify/{self.verification_code}/")

    @property
    def standing(self) -> bool:
        return self.withdrawn_at is None
