"""What organisations may follow, and what they (and holders) have been told. A holder
shares a certificate with an employer organisation (`CertificateShare`); only then does that
organisation watch it. Every email about a certificate's standing is recorded once
(`CertificateNotice`), so reminders and watch emails are sent exactly once however often the
daily task runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateShareQuerySet(models.QuerySet):
    def active(self):
        """Shares the holder has not stopped: what the organisation may watch."""
        return self.filter(stopped_at__isnull=True)

    def for_organisation(self, organisation):
        """The organisation's watch list (active shares), with what the page shows."""
        return (
            self.active()
            .filter(organisation=organisation)
            .select_related("certificate", "certificate__replaced_by")
        )


class CertificateShare(models.Model):
    """The holder's consent for one organisation to watch one certificate. Stopping keeps
    the row (the history of consent); sharing again makes a new row. When the certificate
    is renewed or corrected, the share moves to the new certificate (`carried_from`)."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.certificateshare"

    certificate = models.ForeignKey(
        "credentials.Certificate", on_delete=models.PROTECT, related_name="shares"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="certificate_shares"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    objects = CertificateShareQuerySet.as_manager()

    class Meta:
        db_table = "certification_certificateshare"
        ordering = ["-shared_at"]
        constraints = [
            # One live consent per certificate and organisation.
            models.UniqueConstraint(
                fields=["certificate", "organisation"],
                condition=models.Q(stopped_at__isnull=True),
                name="certification_one_active_share",
            )
        ]

    def __str__(self):
        return f"certificate {self.certificate_id} shared with {self.organisation_id}"

    @property
    def active(self) -> bool:
        return self.stopped_at is None


class CertificateNotice(models.Model):
    """One email about a certificate, recorded before it is sent so that it is sent once:
    to the holder (no organisation) or to a watching organisation."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.certificatenotice"

    class Kind(models.TextChoices):
        EXPIRING_60 = "expiring_60", _("Expires in 60 days")
        EXPIRING_14 = "expiring_14", _("Expires in 14 days")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced")

    certificate = models.ForeignKey(
        "credentials.Certificate", on_delete=models.PROTECT, related_name="notices"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_notices",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "certification_certificatenotice"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind"],
                condition=models.Q(organisation__isnull=True),
                name="certification_holder_notice_once",
            ),
            models.UniqueConstraint(
                fields=["certificate", "organisation", "kind"],
                condition=models.Q(organisation__isnull=False),
                name="certification_organisation_notice_once",
            ),
        ]

    def __str__(self):
        return f"{self.kind} notice for certificate {self.certificate_id}"
