"""A trainee's side of a credential: the version they are assessed against, the statements
they accept and their name on certificates. (The credentials and their versioned rules are
standards data: `certification.standards.models.credentials`.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certification.standards.models import Credential, CredentialVersion


class CredentialEnrolment(models.Model):
    """Which version of a credential a trainee is assessed against. Written the first time
    something counts toward the credential; changed only by a registrar (audited)."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.credentialenrolment"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_enrolments"
    )
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="enrolments")
    version = models.ForeignKey(
        CredentialVersion, on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    moved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "certification_credentialenrolment"
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "credential"], name="certification_credential_enrolment_once"
            )
        ]

    def __str__(self):
        return f"{self.trainee} on {self.version}"


class Attestation(models.Model):
    """A trainee's statement that they accept something (the code of ethics), once each."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.attestation"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attestations"
    )
    code = models.SlugField(max_length=60)
    attested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "certification_attestation"
        constraints = [
            models.UniqueConstraint(fields=["trainee", "code"], name="certification_attest_once")
        ]

    def __str__(self):
        return f"{self.trainee_id} attested {self.code}"


class CertificateName(models.Model):
    """The holder's name as it should appear on certificates. The trainee confirms it before
    their first certificate; after that only a registrar changes it (audited)."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.certificatename"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_name"
    )
    name = models.CharField(_("name on certificates"), max_length=200)
    confirmed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "certification_certificatename"

    def __str__(self):
        return self.name
