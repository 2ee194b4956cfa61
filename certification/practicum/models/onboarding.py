"""Supervisors who join by invitation, and the qualification they state when they do.

A trainee or the host's admin invites a supervisor by email; the link carries a random token
of which only a SHA-256 digest is stored (the token is made by the worker that sends the
email, never written to a task argument, the outbox or a log). It works once and until it
expires. Confirming it creates (or finds) the account, the supervisor role at the host and,
as soon as the trainee has an account, the placement; the supervisor's qualification is
then held until the host's admin or a registrar approves it."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_digest(token: str) -> str:
    return hashlib.sha256(str(token).encode()).hexdigest()


def qualification_path(instance, filename: str) -> str:
    # A random name: the file's own name may say something personal, and the path must not
    # be guessable. Served only through a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"qualifications/{uuid.uuid4().hex}.{extension}"


class SupervisorInvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations not accepted yet and not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())

    def unsent(self):
        """Pending invitations whose email has not gone yet."""
        return self.pending().filter(sent_at__isnull=True)


class SupervisorInvitation(models.Model):
    """An invitation to supervise a trainee's placement at a host, with the placement's
    dates. Accepted once; the placement is made once both people have accounts."""

    host = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="supervisor_invitations"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisor_invitations",
    )
    # A cohort upload names trainees who may not have joined yet: the placement waits for them.
    trainee_email = models.EmailField(_("trainee's email address"))
    name = models.CharField(_("supervisor's name"), max_length=200)
    email = models.EmailField(_("supervisor's email address"))
    job_role = models.CharField(_("their role at the organisation"), max_length=150, blank=True)
    qualification = models.CharField(_("qualification"), max_length=250)
    qualification_expires = models.DateField(_("qualification expires"), null=True, blank=True)
    qualification_file = models.FileField(upload_to=qualification_path, blank=True)
    credential_code = models.SlugField(max_length=60, default="peer-foundations")
    starts_on = models.DateField(_("placement starts"))
    ends_on = models.DateField(_("placement ends"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    placement = models.ForeignKey(
        "practicum.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )

    objects = SupervisorInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="practicum_supervisor_invitation_dates",
            ),
            # A second upload of the same cohort file finds the row it made the first time.
            models.UniqueConstraint(
                fields=["host", "trainee_email", "email", "starts_on"],
                name="practicum_supervisor_invitation_once",
            ),
        ]

    def __str__(self):
        return f"Invitation to supervise at {self.host}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None
