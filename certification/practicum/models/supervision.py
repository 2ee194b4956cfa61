"""What a supervisor records and signs beyond single entries: supervision sessions (with
private notes that stay between the supervisor and the trainee) and competency sign-offs.

A sign-off is asked for by the trainee (`SignOffRequest`, with their account of what they did)
and rated by one or more supervisors. Each rating is its own signed record: raters never
overwrite each other, and a later rating by the same supervisor is a new record too. Whether a
competency is achieved follows the credential's rule (see `services.supervision`)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.audit.models.events import content_digest
from lms.crypto import EncryptedTextField


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class SupervisionSession(models.Model):
    """A supervision session the supervisor held with the trainee. Recording it also adds an
    approved supervision entry to the hours ledger (`entry`), so totals count it once."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.supervisionsession"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual supervision")
        GROUP = "group", _("Group supervision")

    placement = models.ForeignKey(
        "practicum.Placement", on_delete=models.PROTECT, related_name="sessions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    private_notes = EncryptedTextField(
        _("private notes"),
        blank=True,
        max_length=4000,
        help_text=_("Seen only by you and the trainee. Never shown to anyone else."),
    )
    entry = models.OneToOneField(
        "practicum.PracticumEntry",
        on_delete=models.PROTECT,
        related_name="session",
        null=True,
        blank=True,
    )
    signed_qualification = models.CharField(max_length=250)
    notes_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the notes as signed; the notes may later be erased, not edited."),
    )
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "certification_supervisionsession"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date}"

    def signed_content(self) -> dict:
        """What the supervisor signs. The private notes are covered through their digest,
        taken at signing, so the notes can be erased (at the trainee's request) without
        breaking the signature, while any edit to them still shows (see `notes_intact`)."""
        return {
            "session": self.pk,
            "placement": self.placement_id,
            "supervisor": self.supervisor_id,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "minutes": self.minutes,
            "notes_sha256": self.notes_sha256,
            "qualification": self.signed_qualification,
        }

    def compute_hash(self) -> str:
        return content_digest(self.signed_content())

    def notes_intact(self) -> bool:
        """The notes are as signed, or erased; never edited."""
        return not self.private_notes or text_digest(self.private_notes) == self.notes_sha256


class SignOffRequest(models.Model):
    """A trainee asks for a competency to be signed off on a placement."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.signoffrequest"

    placement = models.ForeignKey(
        "practicum.Placement", on_delete=models.PROTECT, related_name="signoff_requests"
    )
    competency = models.ForeignKey(
        "standards.Competency", on_delete=models.PROTECT, related_name="signoff_requests"
    )
    account = EncryptedTextField(
        _("what you did (no names or identifying details)"), max_length=1500
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "certification_signoffrequest"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Sign-off of {self.competency}"


class Rating(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet demonstrated")
    DEVELOPING = "developing", _("Developing")
    COMPETENT = "competent", _("Competent")


class SignOffRating(models.Model):
    """One supervisor's signed rating of a sign-off request. Never edited or deleted."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.signoffrating"

    request = models.ForeignKey(SignOffRequest, on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), max_length=1500)
    rater_qualification = models.CharField(max_length=250)
    qualification_current = models.BooleanField(
        help_text=_("Whether the rater's qualification was in date when they signed.")
    )
    account_sha256 = models.CharField(
        max_length=64, help_text=_("SHA-256 of the trainee's account as the rater saw it.")
    )
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "certification_signoffrating"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_rating_display()} by {self.rater}"

    def signed_content(self) -> dict:
        return {
            "request": self.request_id,
            "competency": self.request.competency_id,
            "account_sha256": self.account_sha256,
            "rater": self.rater_id,
            "rating": self.rating,
            "comment": self.comment,
            "qualification": self.rater_qualification,
            "qualification_current": self.qualification_current,
            "at": self.created_at.isoformat(),
        }

    def compute_hash(self) -> str:
        return content_digest(self.signed_content())
