"""Continuing education a certificate's issuer can stand behind: self-reported records wait
for a registrar (approve, or return with a reason), a share is picked for audit and needs an
evidence document first, Peerpath's own courses and sessions after the issue date count
automatically, renewal checks topics as well as hours, and nobody renews on unreviewed
hours (refused with the numbers)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.credentials.exceptions import RenewalError
from certification.credentials.models import Certificate, ContinuingEducation
from certification.credentials.services import renewal as renewal_services
from lms import hours
from lms.audit.models import AuditEvent
from tests.certification.org_helpers import issued_certificate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% attendance\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CE_AUDIT_RATE = 0  # tests that audit set their own rate


@pytest.fixture
def certificate(db):
    certificate = issued_certificate("Jordan Avery Ellis", issued_ago=700)
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() + timedelta(days=30)
    )
    certificate.refresh_from_db()
    return certificate


def ce(holder, hours_, topic="recovery", days_ago=30, **kwargs):
    return renewal_services.add_ce_record(
        holder=holder,
        title=kwargs.pop("title", f"{topic} workshop"),
        topic=topic,
        hours=hours_,
        completed_on=timezone.localdate() - timedelta(days=days_ago),
        **kwargs,
    )


def approve(registrar, record):
    return renewal_services.approve_ce_record(registrar=registrar, record_id=record.pk)


def test_self_reported_hours_count_only_once_approved_and_renewal_says_why(
    client, certificate, registrar
):
    holder = certificate.trainee
    recovery = ce(holder, 14, "recovery")
    ethics = ce(holder, 6, "ethics")
    assert recovery.review_status == ContinuingEducation.Review.PENDING
    check = renewal_services.renewal_check(certificate=certificate)
    assert [(i.key, i.done, i.waiting) for i in check.items] == [
        ("ce_hours", Decimal(0), Decimal(20)),
        ("topic:ethics", Decimal(0), Decimal(6)),
    ]
    assert check.blocked_by_review and not check.can_renew
    client.force_login(holder)
    url = reverse("renewal:renew", kwargs={"uuid": certificate.uuid})
    response = client.post(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "A renewal counts only reviewed hours, and some of yours are still waiting for a "
        "registrar: hours of continuing education: 0 of 20 approved, 20 waiting for review; "
        "hours on ethics: 0 of 6 approved, 6 waiting for review." in page
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED

    approve(registrar, recovery)
    with pytest.raises(RenewalError, match="14 of 20 approved, 6 waiting"):
        renewal_services.renew_certificate(actor=holder, certificate_id=certificate.pk)
    approve(registrar, ethics)
    assert client.post(url).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REPLACED
    assert set(ContinuingEducation.objects.values_list("used_for", flat=True)) == {
        certificate.replaced_by_id
    }


def test_topics_are_checked_as_well_as_hours(certificate, registrar):
    holder = certificate.trainee
    approve(registrar, ce(holder, 18, "recovery"))
    approve(registrar, ce(holder, 4, "ethics"))
    check = renewal_services.renewal_check(certificate=certificate)
    assert [(i.key, i.met) for i in check.items] == [("ce_hours", True), ("topic:ethics", False)]
    with pytest.raises(RenewalError, match="2 more hours on ethics"):
        renewal_services.renew_certificate(actor=holder, certificate_id=certificate.pk)


def test_the_review_queue_approves_and_returns_with_a_reason(client, certificate, registrar):
    holder = certificate.trainee
    first = ce(holder, 3, "ethics", title="Ethics refresher")
    second = ce(holder, 2, "recovery", title="Recovery capital webinar")
    client.force_login(registrar)
    page = client.get(reverse("renewal:review")).content.decode()
    assert "Ethics refresher" in page and "Recovery capital webinar" in page
    assert "Jordan Avery Ellis" in page

    review = reverse("renewal:review_record", kwargs={"pk": first.pk})
    assert client.post(review, {"decision": "approve"}).status_code == 302
    first.refresh_from_db()
    assert first.review_status == "approved" and first.reviewed_by == registrar
    assert AuditEvent.objects.filter(action="ce.approved", object_id=str(first.pk)).exists()
    # Not waiting any more: a second decision is refused.
    assert client.post(review, {"decision": "approve"}).status_code == 409

    review = reverse("renewal:review_record", kwargs={"pk": second.pk})
    response = client.post(review, {"decision": "return", "reason": " "})
    assert response.status_code == 400
    assert "Say why it is returned" in response.content.decode()
    reason = "Please add the certificate of attendance."
    assert client.post(review, {"decision": "return", "reason": reason}).status_code == 302
    second.refresh_from_db()
    assert second.review_status == "returned" and second.return_reason == reason
    event = AuditEvent.objects.get(action="ce.returned")
    assert reason not in str(event.after)

    client.force_login(holder)
    page = client.get(reverse("renewal:home")).content.decode()
    assert reason in page and "Send back for review" in page
    resubmit = reverse("renewal:resubmit", kwargs={"pk": second.pk})
    client.post(resubmit, {})
    second.refresh_from_db()
    assert second.review_status == "returned"  # nothing added: refused
    client.post(
        resubmit,
        {
            "evidence_file": SimpleUploadedFile(
                "attendance.pdf", PDF, content_type="application/pdf"
            )
        },
    )
    second.refresh_from_db()
    assert second.review_status == "pending" and second.evidence_file


def test_only_registrars_review_and_nobody_approves_their_own(client, certificate):
    holder = certificate.trainee
    record = ce(holder, 3, "ethics")
    client.force_login(holder)
    assert client.get(reverse("renewal:review")).status_code == 403
    review = reverse("renewal:review_record", kwargs={"pk": record.pk})
    assert client.post(review, {"decision": "approve"}).status_code == 403
    with pytest.raises(RenewalError) as refused:
        renewal_services.approve_ce_record(registrar=holder, record_id=record.pk)
    assert refused.value.status == 403
    record.refresh_from_db()
    assert record.review_status == "pending"


def test_audit_picks_are_reproducible_at_the_set_rate(settings):
    settings.SECRET_KEY = "a fixed key for this test"
    picks = [renewal_services.picked_for_audit(n, rate=0.10) for n in range(1, 2001)]
    assert picks == [renewal_services.picked_for_audit(n, rate=0.10) for n in range(1, 2001)]
    assert 150 <= sum(picks) <= 250  # about one in ten
    assert not any(renewal_services.picked_for_audit(n, rate=0) for n in range(1, 200))
    assert all(renewal_services.picked_for_audit(n, rate=1) for n in range(1, 200))
    # Another key picks other records: the holder, who cannot know it, cannot predict.
    settings.SECRET_KEY = "another key"
    assert picks != [renewal_services.picked_for_audit(n, rate=0.10) for n in range(1, 2001)]


def test_a_record_picked_for_audit_needs_evidence_before_approval(
    settings, client, certificate, registrar
):
    settings.CE_AUDIT_RATE = 1
    holder = certificate.trainee
    bare = ce(holder, 3, "ethics", evidence_text="Ask the trainer.")
    assert bare.audit_sampled
    event = AuditEvent.objects.get(action="ce.recorded", object_id=str(bare.pk))
    assert event.after["audit_sampled"] is True
    client.force_login(registrar)
    page = client.get(reverse("renewal:review")).content.decode()
    assert "Picked for audit" in page and "Needs an evidence document first." in page
    response = client.post(
        reverse("renewal:review_record", kwargs={"pk": bare.pk}), {"decision": "approve"}
    )
    assert response.status_code == 409
    assert "picked for audit, so it needs an evidence document" in response.content.decode()
    with_file = ce(
        holder,
        3,
        "ethics",
        evidence_file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    )
    assert approve(registrar, with_file).review_status == "approved"
    # A change of rate never changes a decision already made.
    settings.CE_AUDIT_RATE = 0
    bare.refresh_from_db()
    assert bare.audit_sampled


@pytest.fixture
def peerpath_lines(monkeypatch):
    """A test source of training hours, registered through the contract and removed after."""
    monkeypatch.setattr(hours, "_SOURCES", dict(hours.registered_sources()))
    found = {}
    hours.register_source("test-ce", lambda ids: {pk: found.get(pk, []) for pk in ids})
    return found


def line(key, on, total, *, topics=(), by_domain=None, status=hours.Status.CREDITED):
    return hours.HoursLine(
        source="test-ce",
        key=key,
        title=f"Peerpath course {key}",
        on=on,
        total=Decimal(total),
        topics=topics,
        hours_by_domain=by_domain or {},
        status=status,
    )


def test_peerpath_training_after_the_issue_date_is_approved_automatically(
    client, certificate, registrar, peerpath_lines
):
    holder = certificate.trainee
    today = timezone.localdate()
    peerpath_lines[holder.pk] = [
        line("before", certificate.issued_on, 8, topics=("ethics",)),  # what it was issued on
        line("ethics", today - timedelta(days=60), 4, topics=("ethics",)),
        line("domains", today - timedelta(days=50), 5, by_domain={"icrc-pr/ethics": Decimal(2)}),
        line("pending", today - timedelta(days=40), 9, status=hours.Status.PENDING),
    ]
    approve(registrar, ce(holder, 11, "recovery"))
    check = renewal_services.renewal_check(certificate=certificate)
    assert [line_.key for line_ in check.peerpath_lines] == ["ethics", "domains"]
    assert [(i.key, i.done, i.met) for i in check.items] == [
        ("ce_hours", Decimal(20), True),
        ("topic:ethics", Decimal(6), True),
    ]
    client.force_login(holder)
    page = client.get(reverse("renewal:certificate", kwargs={"uuid": certificate.uuid}))
    page = page.content.decode()
    assert "From Peerpath courses and live sessions (approved automatically)" in page
    assert "Peerpath course ethics" in page and "icrc-pr/ethics: 2 h" in page
    assert "Peerpath course before" not in page
    response = client.post(reverse("renewal:renew", kwargs={"uuid": certificate.uuid}))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="certificate.renewed")
    assert event.after["peerpath_lines"] == ["ethics", "domains"]


def test_the_review_queue_costs_the_same_queries_at_two_sizes(
    client, registrar, django_assert_num_queries
):
    client.force_login(registrar)

    def holders(n):
        for i in range(n):
            ce(UserFactory(legal_name=f"Holder {i}"), 2, "ethics", title=f"Workshop {i}")

    holders(2)
    for _ in range(2):  # warm the session and site caches (the first makes settings rows)
        client.get(reverse("renewal:review"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("renewal:review")).status_code == 200
    holders(15)
    with django_assert_num_queries(len(small)):
        page = client.get(reverse("renewal:review"))
    assert page.content.decode().count('<tr role="row" id="record-') == 17
