"""Expiry reminders (60 and 14 days, each once, to the holder and to watching
organisations) and renewal: continuing-education records with clear messages for bad
input, the renewal checklist with numbers against the credential's rules, and renewing:
a new certificate with a new code and a new expiry, the old one "replaced" by it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.credentials.exceptions import RenewalError
from certification.credentials.models import Certificate, ContinuingEducation
from certification.credentials.services import lifecycle as lifecycle_services
from certification.credentials.services import renewal as renewal_services
from certification.organisations import services as organisation_services
from certification.organisations import tasks as organisation_tasks
from certification.organisations.models import CertificateNotice, CertificateShare
from certification.verification import services as verification_services
from lms.audit.models import AuditEvent
from tests.certification.org_helpers import employer, issued_certificate, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% evidence\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # No audit picks unless a test asks: which ids are picked depends on the database.
    settings.CE_AUDIT_RATE = 0


def a_registrar():
    from django.contrib.auth.models import Group

    from lms.accounts.services import sync_role_groups

    sync_role_groups()
    registrar = UserFactory(legal_name="Ana Souza", is_staff=True)
    registrar.groups.add(Group.objects.get(name="Registrars"))
    return registrar


def expire_in(certificate, days):
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() + timedelta(days=days)
    )
    certificate.refresh_from_db()


def ce(holder, hours, topic="recovery", days_ago=30, approved=True, **kwargs):
    """A self-reported record; approved by a registrar unless `approved=False`."""
    record = renewal_services.add_ce_record(
        holder=holder,
        title=kwargs.pop("title", f"{topic} workshop"),
        topic=topic,
        hours=hours,
        completed_on=timezone.localdate() - timedelta(days=days_ago),
        **kwargs,
    )
    if approved:
        record = renewal_services.approve_ce_record(registrar=a_registrar(), record_id=record.pk)
    return record


# Reminders.


def test_the_holder_is_reminded_60_and_14_days_before_expiry_each_exactly_once():
    certificate = issued_certificate("Jordan Avery Ellis")
    sent = []
    for days in (61, 60, 60, 59, 15, 14, 14, 13, 1):
        expire_in(certificate, days)
        organisation_tasks.send_certificate_notices_task()
        sent.append((days, len(mail.outbox)))
    assert sent == [(61, 0), (60, 1), (60, 1), (59, 1), (15, 1), (14, 2), (14, 2), (13, 2), (1, 2)]
    first, second = mail.outbox
    assert first.to == second.to == [certificate.trainee.email]
    assert first.subject == "Your certificate expires in 60 days"
    assert second.subject == "Your certificate expires in 14 days"
    assert certificate.grouped_code in first.body and "/renewal/" in first.body
    assert CertificateNotice.objects.filter(organisation=None).count() == 2


def test_a_missed_day_is_caught_up_with_the_nearest_reminder_only():
    certificate = issued_certificate("Jordan Avery Ellis")
    expire_in(certificate, 10)  # the daily task did not run at 60 or 14 days
    organisation_tasks.send_certificate_notices_task()
    assert [m.subject for m in mail.outbox] == ["Your certificate expires in 14 days"]


def test_watching_organisations_are_reminded_too_and_renewed_ones_are_not_reminded():
    riverside = employer()
    member(riverside, "verifier", email="tom@riverside.example")
    certificate = issued_certificate("Jordan Avery Ellis")
    organisation_services.share_certificate(
        holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
    )
    other = issued_certificate("Casey Morgan")
    Certificate.objects.filter(pk=other.pk).update(status="replaced")
    expire_in(certificate, 60)
    expire_in(other, 60)
    organisation_tasks.send_certificate_notices_task()
    organisation_tasks.send_certificate_notices_task()
    assert {(m.to[0], m.subject) for m in mail.outbox} == {
        ("tom@riverside.example", "A certificate you watch expires in 60 days"),
        (certificate.trainee.email, "Your certificate expires in 60 days"),
    }
    assert len(mail.outbox) == 2


# Continuing-education records.


def add_over_http(client, user, **overrides):
    client.force_login(user)
    data = {
        "title": "Ethics in peer work",
        "provider": "Northside Recovery College",
        "topic": "ethics",
        "hours": "6",
        "completed_on": (timezone.localdate() - timedelta(days=20)).isoformat(),
        "evidence_text": "Certificate of attendance no. 4411",
        **overrides,
    }
    return client.post(reverse("renewal:home"), data)


def test_a_record_with_evidence_is_stored_and_the_document_is_private(client, registrar):
    holder = UserFactory()
    response = add_over_http(
        client, holder, evidence_file=SimpleUploadedFile("attendance.pdf", PDF)
    )
    assert response.status_code == 302
    record = ContinuingEducation.objects.get()
    assert record.hours == Decimal("6") and record.topic == "ethics"
    assert "attendance" not in record.evidence_file.name  # a random name, not the holder's
    assert AuditEvent.objects.filter(action="ce.recorded").count() == 1
    url = reverse("renewal:evidence", kwargs={"pk": record.pk})
    assert b"".join(client.get(url).streaming_content) == PDF
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(registrar)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": "-2"}, "Hours must be more than zero."),
        ({"hours": "0"}, "Hours must be more than zero."),
        ({"hours": "lots"}, "Give the hours as a number"),
        ({"hours": "NaN"}, "Give the hours as a number"),
        ({"hours": "250"}, "at most 100 hours"),
        ({"completed_on": "2999-01-01"}, "cannot be in the future"),
        ({"completed_on": "1990-01-01"}, "more than 6 years ago"),
        ({"completed_on": "31/02/2026"}, "Give a real date"),
        ({"topic": "astrology"}, "Select a valid choice"),
        ({"title": ""}, "Say what you did"),
        (
            {"evidence_file": SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024))},
            "the limit is 5 MB",
        ),
        ({"evidence_file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")}, "PDF, PNG or JPEG"),
        (
            {"evidence_file": SimpleUploadedFile("renamed.pdf", b"MZ\x90\x00")},
            "does not look like a PDF",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, overrides, message):
    response = add_over_http(client, UserFactory(), **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not ContinuingEducation.objects.exists()
    if "title" not in overrides:
        assert 'value="Ethics in peer work"' in html  # nothing typed is lost


def test_the_service_refuses_bad_input_too():
    holder = UserFactory()
    with pytest.raises(RenewalError, match="more than zero"):
        ce(holder, "-1")
    with pytest.raises(RenewalError, match="future"):
        ce(holder, 2, days_ago=-3)


def test_a_counted_record_cannot_be_deleted_an_uncounted_one_can(client):
    certificate = issued_certificate("Jordan Avery Ellis")
    holder = certificate.trainee
    spare = ce(holder, 1, days_ago=5)
    counted = ce(holder, 1, days_ago=6)
    ContinuingEducation.objects.filter(pk=counted.pk).update(used_for=certificate)
    client.force_login(holder)
    client.post(reverse("renewal:delete_record", kwargs={"pk": spare.pk}))
    client.post(reverse("renewal:delete_record", kwargs={"pk": counted.pk}))
    assert list(ContinuingEducation.objects.values_list("pk", flat=True)) == [counted.pk]
    client.force_login(UserFactory())
    assert client.post(reverse("renewal:delete_record", kwargs={"pk": counted.pk})).status_code == (
        404
    )


# The checklist.


def test_the_checklist_counts_hours_in_the_window_in_total_and_by_topic(client):
    certificate = issued_certificate("Jordan Avery Ellis")
    holder = certificate.trainee
    expire_in(certificate, 30)
    ce(holder, 10, "recovery", days_ago=100)
    ce(holder, 4, "ethics", days_ago=50)
    ce(holder, 8, "ethics", days_ago=800)  # before the 24 months before expiry: not counted
    check = renewal_services.renewal_check(certificate=certificate)
    assert [(i.key, i.done, i.needed, i.met) for i in check.items] == [
        ("ce_hours", Decimal("14"), Decimal("20"), False),
        ("topic:ethics", Decimal("4"), Decimal("6"), False),
    ]
    assert check.summary() == ("6 more hours of continuing education; 2 more hours on ethics")
    client.force_login(holder)
    html = client.get(reverse("renewal:certificate", kwargs={"uuid": certificate.uuid})).content
    html = html.decode()
    assert "14 of 20 hours" in html and "4 of 6 hours" in html
    assert "Still to do: 6 more hours of continuing education; 2 more hours on ethics." in html
    assert "Renew now" not in html


def test_a_credential_without_renewal_rules_says_so():
    certificate = issued_certificate("Jordan Avery Ellis", code="no-rules-cert")
    version = certificate.credential_version
    assert version.renewal  # the helper gives rules; this credential's version keeps them
    certificate.credential_version.renewal = {}
    check = renewal_services.renewal_check(certificate=certificate)
    assert not check.renewable and "no renewal rules" in check.reason


# Renewing.


def meet_the_rules(holder):
    ce(holder, 14, "recovery", days_ago=200)
    ce(holder, 6, "ethics", days_ago=40)


def test_the_holder_renews_a_new_certificate_replaces_the_old_with_a_new_expiry(
    client, django_capture_on_commit_callbacks
):
    riverside = employer()
    member(riverside, "verifier", email="tom@riverside.example")
    old = issued_certificate("Jordan Avery Ellis", issued_ago=700)
    expire_in(old, 30)
    holder = old.trainee
    organisation_services.share_certificate(
        holder=holder, certificate_id=old.pk, organisation_id=riverside.pk
    )
    meet_the_rules(holder)
    client.force_login(holder)
    page = client.get(reverse("renewal:certificate", kwargs={"uuid": old.uuid})).content.decode()
    assert "20 of 20 hours" in page and "6 of 6 hours" in page and "Renew now" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("renewal:renew", kwargs={"uuid": old.uuid}))
    old.refresh_from_db()
    new = old.replaced_by
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    today = timezone.localdate()
    assert old.status == "replaced" and new.status == "pending"
    assert new.verification_code != old.verification_code
    assert new.issued_on == today
    assert new.expires_on == today.replace(year=today.year + 2) or (
        today.month == 2 and today.day == 29
    )
    assert new.expires_on > old.expires_on
    assert new.holder_name == old.holder_name and new.credential_code == old.credential_code
    assert verification_services.public_record(old)["status"]["state"] == "replaced"
    assert verification_services.public_record(old)["replaced_by"]["code"] == new.grouped_code
    assert set(ContinuingEducation.objects.values_list("used_for", flat=True)) == {new.pk}
    assert AuditEvent.objects.filter(action="certificate.renewed", object_id=str(old.pk)).exists()
    [share] = CertificateShare.objects.active()
    assert share.certificate_id == new.pk
    # On commit: the new PDF is rendered, and watchers are told (once) that it was renewed.
    # (Other callbacks, such as the verification cache forgetting the old record, run too.)
    renders = [c for c in callbacks if "render_certificate_task" in repr(c)]
    notices = [c for c in callbacks if "watchers_task" in repr(c)]
    assert len(renders) == 1 and len(notices) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the notice goes via the outbox
        notices[0]()
    [email] = mail.outbox
    assert email.to == ["tom@riverside.example"]
    assert "It was renewed" in email.body and new.grouped_code in email.body


def test_renewing_is_refused_with_reasons(client):
    certificate = issued_certificate("Jordan Avery Ellis")
    holder = certificate.trainee
    client.force_login(holder)
    url = reverse("renewal:renew", kwargs={"uuid": certificate.uuid})
    expire_in(certificate, 30)
    response = client.post(url)
    assert response.status_code == 409
    assert "Not every renewal rule is met: 20 more hours" in response.content.decode()
    meet_the_rules(holder)
    expire_in(certificate, 200)
    response = client.post(url)
    assert response.status_code == 409
    assert "Renewal opens on" in response.content.decode()
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == "issued" and certificate.replaced_by is None


def test_a_registrar_renews_and_a_second_renewal_is_refused(registrar):
    certificate = issued_certificate("Jordan Avery Ellis")
    expire_in(certificate, 5)
    meet_the_rules(certificate.trainee)
    new = renewal_services.renew_certificate(actor=registrar, certificate_id=certificate.pk)
    assert new.replaces == certificate
    with pytest.raises(RenewalError, match="already been renewed"):
        renewal_services.renew_certificate(actor=registrar, certificate_id=certificate.pk)
    event = AuditEvent.objects.get(action="certificate.renewed")
    assert event.actor_id == registrar.pk


def test_hours_count_toward_one_renewal_only():
    certificate = issued_certificate("Jordan Avery Ellis")
    expire_in(certificate, 5)
    meet_the_rules(certificate.trainee)
    new = renewal_services.renew_certificate(
        actor=certificate.trainee, certificate_id=certificate.pk
    )
    Certificate.objects.filter(pk=new.pk).update(
        status="issued", pdf_sha256="2" * 64, expires_on=timezone.localdate() + timedelta(days=5)
    )
    new.refresh_from_db()
    check = renewal_services.renewal_check(certificate=new)
    assert check.items[0].done == 0 and not check.met


def test_renewing_writes_one_event_on_the_old_certificate_and_refuses_a_revoked_one(registrar):
    """Renewal is one guarded move of the old certificate (one audit event naming its
    successor); a revoked certificate is refused by the same table, writing nothing."""
    certificate = issued_certificate("Jordan Avery Ellis")
    expire_in(certificate, 5)
    meet_the_rules(certificate.trainee)
    before = list(
        AuditEvent.objects.filter(
            object_type="certification.certificate", object_id=str(certificate.pk)
        )
    )
    new = renewal_services.renew_certificate(actor=registrar, certificate_id=certificate.pk)
    after = list(
        AuditEvent.objects.filter(
            object_type="certification.certificate", object_id=str(certificate.pk)
        ).exclude(pk__in=[e.pk for e in before])
    )
    assert [e.action for e in after] == ["certificate.renewed"]
    assert after[0].after["replaced_by"] == new.pk

    revoked = issued_certificate("Sam Other")
    expire_in(revoked, 5)
    meet_the_rules(revoked.trainee)
    lifecycle_services.revoke_certificate(
        registrar=registrar, certificate_id=revoked.pk, reason="Fraud."
    )
    count = AuditEvent.objects.count()
    with pytest.raises(RenewalError, match="Only an issued certificate can be renewed"):
        renewal_services.renew_certificate(actor=registrar, certificate_id=revoked.pk)
    assert AuditEvent.objects.count() == count
    revoked.refresh_from_db()
    assert revoked.status == "revoked" and revoked.replaced_by is None
