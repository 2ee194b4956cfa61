"""Helpers for organisation, watch-list and renewal tests: issued certificates without the
PDF render (the tests here are about standing, not about PDFs), verifiers of an employer."""

from datetime import timedelta

from django.utils import timezone

from certification.credentials.models import Certificate
from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.standards.models import Credential
from lms.accounts.models import Organisation
from tests.certification.credential_helpers import make_credential
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

RENEWAL_RULES = {"ce_hours": 20, "period_months": 24, "min_by_topic": {"ethics": 6}}


def credential(code="peer-test"):
    """A credential valid for 24 months, renewed with 20 CE hours (6 on ethics) in 24."""
    existing = Credential.objects.filter(code=code).first()
    return existing or make_credential(
        code=code,
        title="Peer Worker Foundations Certificate",
        validity_months=24,
        renewal=RENEWAL_RULES,
    )


def issued_certificate(
    name="Jordan Avery Ellis", *, trainee=None, code="peer-test", expires_in=None, issued_ago=0
):
    """An issued certificate (as the PDF task leaves it, minus the PDF) for a new trainee,
    or `trainee`; `expires_in` days from today when given (else 24 months from issue)."""
    credential(code)
    if trainee is None:
        trainee = UserFactory(legal_name=name)
        credential_services.confirm_certificate_name(user=trainee, name=name)
    registrar = UserFactory(legal_name="Ana Souza", is_superuser=True, is_staff=True)
    certificate, _ = certificate_services.issue_certificate(
        trainee=trainee,
        credential_code=code,
        actor=registrar,
        reason="Recognition of prior learning.",
    )
    today = timezone.localdate()
    changes = {"status": Certificate.Status.ISSUED, "pdf_sha256": "0" * 64}
    if issued_ago:
        changes["issued_on"] = today - timedelta(days=issued_ago)
    if expires_in is not None:
        changes["expires_on"] = today + timedelta(days=expires_in)
    # The snapshot is never changed by the app; the test moves the dates through the ORM.
    Certificate.objects.filter(pk=certificate.pk).update(**changes)
    certificate.refresh_from_db()
    return certificate


def employer(name="Riverside Community Health Trust", slug="riverside", **kwargs):
    return OrganisationFactory(name=name, slug=slug, kind=Organisation.Kind.EMPLOYER, **kwargs)


def member(organisation, role="verifier", **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user
