"""Watch lists with consent: a holder shares a certificate with an employer, and only then
does the employer see it and hear about it (revoked, replaced, expired), by email to its
verifiers and admins, once each; stopping sharing stops both. Shares and unshares are
audited; the organisation sees the public record only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certification.credentials.models import Certificate
from certification.credentials.services import lifecycle as lifecycle_services
from certification.organisations import services as organisation_services
from certification.organisations import tasks as organisation_tasks
from certification.organisations.models import CertificateNotice, CertificateShare
from lms.accounts.models import Organisation
from lms.audit.models import AuditEvent
from tests.certification.org_helpers import employer, issued_certificate, member
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside(db):
    return employer(contact_email="people@riverside.example")


@pytest.fixture
def verifier(riverside):
    return member(riverside, "verifier", email="tom@riverside.example")


@pytest.fixture
def admin(riverside):
    return member(riverside, "org_admin", email="helen@riverside.example")


@pytest.fixture
def certificate(db):
    return issued_certificate("Jordan Avery Ellis")


def watcher_mail(certificate):
    """The emails to organisations (the holder is also emailed about a revocation, since
    issue 16; that email is tested in test_truth.py)."""
    return [m for m in mail.outbox if m.to != [certificate.trainee.email]]


def share_over_http(client, certificate, organisation):
    client.force_login(certificate.trainee)
    return client.post(
        reverse("sharing:certificate", kwargs={"uuid": certificate.uuid}),
        {"organisation": organisation.pk},
    )


def watch_page(client, user, organisation):
    client.force_login(user)
    return client.get(reverse("organisations:watch", kwargs={"slug": organisation.slug}))


def test_nothing_is_watched_or_emailed_without_the_holders_consent(
    client, riverside, verifier, certificate, registrar, django_capture_on_commit_callbacks
):
    response = watch_page(client, verifier, riverside)
    assert response.status_code == 200 and response.context["rows"] == []
    assert "Jordan Avery Ellis" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason="Private matter"
        )
    assert watcher_mail(certificate) == []
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert organisation_tasks.send_certificate_notices_task() == 0


def test_sharing_puts_it_on_the_watch_list_with_its_public_record_only(
    client, riverside, verifier, certificate
):
    response = share_over_http(client, certificate, riverside)
    assert response.status_code == 302
    share = CertificateShare.objects.get()
    assert share.organisation == riverside and share.active
    event = AuditEvent.objects.get(action="certificate.shared")
    assert event.actor_id == certificate.trainee_id
    page = watch_page(client, verifier, riverside)
    [row] = page.context["rows"]
    assert row["record"]["status"]["state"] == "valid"
    html = page.content.decode()
    assert "Jordan Avery Ellis" in html and certificate.grouped_code in html
    assert certificate.trainee.email not in html


def test_only_the_holder_shares_only_issued_certificates_only_with_employers(
    client, riverside, certificate
):
    provider = OrganisationFactory(slug="college")  # a training provider, not an employer
    response = share_over_http(client, certificate, provider)
    assert response.status_code == 400
    assert not CertificateShare.objects.exists()
    other = issued_certificate("Casey Morgan")
    client.force_login(certificate.trainee)
    url = reverse("sharing:certificate", kwargs={"uuid": other.uuid})
    assert client.get(url).status_code == 404
    assert client.post(url, {"organisation": riverside.pk}).status_code == 404
    Certificate.objects.filter(pk=certificate.pk).update(status="pending")
    response = share_over_http(client, certificate, riverside)
    assert response.status_code == 409
    assert not CertificateShare.objects.exists()


def test_sharing_twice_keeps_one_share(certificate, riverside):
    first = organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    second = organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    assert first.pk == second.pk and CertificateShare.objects.count() == 1


def test_stopping_sharing_removes_it_and_stops_the_emails(
    client,
    riverside,
    verifier,
    certificate,
    registrar,
    django_capture_on_commit_callbacks,
):
    share_over_http(client, certificate, riverside)
    share = CertificateShare.objects.get()
    response = client.post(
        reverse("sharing:stop", kwargs={"uuid": certificate.uuid, "share_id": share.pk})
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.stopped_at is not None
    assert AuditEvent.objects.filter(action="certificate.unshared").count() == 1
    assert watch_page(client, verifier, riverside).context["rows"] == []
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason="Private matter"
        )
    assert watcher_mail(certificate) == []


def test_someone_else_cannot_stop_a_share(client, riverside, certificate):
    share = organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    client.force_login(member(riverside, "verifier"))
    response = client.post(
        reverse("sharing:stop", kwargs={"uuid": certificate.uuid, "share_id": share.pk})
    )
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.active


def test_a_revocation_emails_each_verifier_and_admin_once_without_the_reason(
    riverside, verifier, admin, certificate, registrar, django_capture_on_commit_callbacks
):
    member(riverside, "trainee", email="trainee@riverside.example")  # not a watcher
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason="MARKER-SECRET-REASON"
        )
    watchers = watcher_mail(certificate)
    assert sorted(m.to[0] for m in watchers) == [
        "helen@riverside.example",
        "tom@riverside.example",
    ]
    assert all(len(m.to) == 1 for m in watchers)
    email = watchers[0]
    assert email.subject == "A certificate you watch has been revoked"
    assert "Jordan Avery Ellis" in email.body and certificate.grouped_code in email.body
    assert "MARKER-SECRET-REASON" not in email.body
    assert certificate.trainee.email not in email.body
    # A retried task, or the signal's task run again, sends nothing more.
    assert (
        organisation_services.notify_watchers(certificate_id=certificate.pk, change="revoked") == 1
    )
    assert len(watcher_mail(certificate)) == 2
    assert CertificateNotice.objects.get().kind == "revoked"


def test_a_replacement_emails_watchers_and_the_share_moves_to_the_new_certificate(
    client, riverside, verifier, certificate, registrar, django_capture_on_commit_callbacks
):
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = lifecycle_services.replace_certificate(
            actor=registrar, certificate_id=certificate.pk, reason="Name spelling"
        )
    [email] = [m for m in mail.outbox if m.to == ["tom@riverside.example"]]
    assert email.subject == "A certificate you watch has been replaced"
    assert "replaced by a corrected certificate" in email.body
    assert new.grouped_code in email.body
    [live] = CertificateShare.objects.active()
    assert live.certificate_id == new.pk and live.carried_from.certificate_id == certificate.pk
    Certificate.objects.filter(pk=new.pk).update(status="issued", pdf_sha256="1" * 64)
    [row] = watch_page(client, verifier, riverside).context["rows"]
    assert row["record"]["code"] == new.grouped_code and row["carried"]


def test_an_expiry_while_shared_is_emailed_to_watchers_once(
    riverside, verifier, certificate, django_capture_on_commit_callbacks
):
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    today = timezone.localdate()
    CertificateShare.objects.update(shared_at=timezone.now() - timedelta(days=10))
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=today - timedelta(days=1))
    assert organisation_tasks.send_certificate_notices_task() == 1
    [email] = mail.outbox
    assert email.subject == "A certificate you watch has expired"
    assert f"It expired on {(today - timedelta(days=1)).isoformat()}" in email.body
    assert organisation_tasks.send_certificate_notices_task() == 0
    assert len(mail.outbox) == 1


def test_a_certificate_shared_after_it_expired_is_no_news(riverside, verifier, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() - timedelta(days=30)
    )
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    assert organisation_tasks.send_certificate_notices_task() == 0
    assert mail.outbox == []


def test_the_organisation_contact_address_is_used_when_it_has_no_verifiers(
    riverside, certificate, registrar, django_capture_on_commit_callbacks
):
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason="Private matter"
        )
    assert [m.to for m in watcher_mail(certificate)] == [["people@riverside.example"]]


def test_only_the_organisations_verifiers_and_admins_see_its_watch_list(
    client, riverside, admin, certificate
):
    url = reverse("organisations:watch", kwargs={"slug": riverside.slug})
    assert client.get(url).status_code == 302
    client.force_login(certificate.trainee)
    assert client.get(url).status_code == 404
    client.force_login(member(riverside, "supervisor"))
    assert client.get(url).status_code == 403
    client.force_login(member(employer("Other Trust", "other"), "org_admin"))
    assert client.get(url).status_code == 404
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_the_watch_list_costs_the_same_queries_for_one_or_many(client, riverside, verifier):
    def count_for(n):
        for index in range(n):
            certificate = issued_certificate(f"Person {index} {n}")
            organisation_services.share_certificate(
                holder=certificate.trainee,
                certificate_id=certificate.pk,
                organisation_id=riverside.pk,
            )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(verifier)
        for _ in range(2):  # warm up (the first request makes the site's settings rows)
            client.get(reverse("organisations:watch", kwargs={"slug": riverside.slug}))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("organisations:watch", kwargs={"slug": riverside.slug}))
        assert response.status_code == 200
        return len(queries)

    one = count_for(1)
    many = count_for(6)
    assert one == many


def test_a_hidden_certificate_shows_as_not_found_and_nothing_is_emailed(
    client, riverside, verifier, certificate, registrar, django_capture_on_commit_callbacks
):
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    lifecycle_services.hide_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, hidden=True
    )
    response = watch_page(client, verifier, riverside)
    [row] = response.context["rows"]
    assert row["record"] is None
    html = response.content.decode()
    assert "Not found" in html and "Jordan Avery Ellis" not in html
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason="Private matter"
        )
    assert watcher_mail(certificate) == []


def test_a_suspension_shows_on_the_watch_list(client, riverside, verifier, certificate, registrar):
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    lifecycle_services.suspend_certificate(
        registrar=registrar, certificate_id=certificate.pk, reason="Being checked"
    )
    [row] = watch_page(client, verifier, riverside).context["rows"]
    assert row["record"]["status"]["state"] == "suspended"


def test_the_holders_certificate_page_links_to_sharing_and_renewal(client, certificate):
    client.force_login(certificate.trainee)
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert reverse("sharing:certificate", kwargs={"uuid": certificate.uuid}) in html
    assert reverse("renewal:certificate", kwargs={"uuid": certificate.uuid}) in html
    client.force_login(member(employer("Other Trust", "other"), "verifier"))
    assert client.get(certificate.get_absolute_url()).status_code == 404


def test_the_sharing_page_says_calmly_who_sees_the_certificate(client, certificate, riverside):
    """With every employer already chosen, the page says that only those the holder chose
    see it and that they can stop; with none to choose, that nobody watches it. It never
    says the certificate is shared with every employer on Peerpath."""
    url = reverse("sharing:certificate", kwargs={"uuid": certificate.uuid})
    share_over_http(client, certificate, riverside)
    html = client.get(url).content.decode()
    assert "every employer that uses Peerpath" not in html
    assert "Only the employers listed above, which you chose, can see it" in html
    # No employer on the site at all: nothing to choose, and nobody watches.
    other = issued_certificate("Casey Morgan")
    client.force_login(other.trainee)
    Organisation.objects.filter(pk=riverside.pk).update(kind=Organisation.Kind.TRAINING_PROVIDER)
    html = client.get(reverse("sharing:certificate", kwargs={"uuid": other.uuid})).content.decode()
    assert "No employer can be chosen here yet" in html
    assert "no employer sees this certificate on a watch list" in html
