"""The training-hours ledger: outside training recorded with its certificate, verified or
returned with a reason by a registrar, corrected and sent again; only verified hours count.
Hours by domain against IC&RC Peer Recovery's rule (loaded from boards.yaml), eligibility
with numbers, the basis of issue, the credential editor's training fields, privacy, and
query counts that stay flat as the record grows."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.credentials.services import certificates as certificate_services
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from certification.hours import services as hours_services
from certification.hours.models import OutsideTraining
from certification.standards.models import Credential
from certification.standards.services.credentials import DEFAULT_BOARDS_FILE
from lms import hours as hours_contract
from lms.audit.models import AuditEvent
from lms.hours import Delivery, HoursLine, Status
from lms.privacy import registry
from tests.certification.credential_helpers import make_credential
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test certificate\n"
HOME = reverse("hours:home")
NEW = reverse("hours:outside_new")
QUEUE = reverse("hours:queue")
ETHICS = "icrc-pr/ethics"


@pytest.fixture
def frameworks(db):
    loading_services.load_frameworks()


def certificate(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(**overrides):
    data = {
        "title": "Ethics in peer work, two-day workshop",
        "provider": "County Recovery Network",
        "completed_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "hours": "12",
        "delivery": Delivery.IN_PERSON,
        "topics": ["ethics"],
        hours_services.domain_field(ETHICS): "8",
        hours_services.domain_field("icrc-pr/mentoring"): "4",
        "certificate": certificate(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def record(trainee, *, hours="12", split=None, delivery=Delivery.IN_PERSON, topics=("ethics",)):
    return hours_services.record_outside_training(
        trainee=trainee,
        title="Ethics in peer work",
        provider="County Recovery Network",
        completed_on=timezone.localdate() - timedelta(days=10),
        hours=hours,
        hours_by_domain={ETHICS: "8", "icrc-pr/mentoring": "4"} if split is None else split,
        delivery=delivery,
        topics=list(topics),
        certificate=certificate(),
    )


@pytest.fixture
def course_source():
    """A stand-in for the courses' source of hours: lines the test sets per person."""
    lines: dict[int, list[HoursLine]] = {}

    def source(user_ids):
        return {pk: list(lines.get(pk, [])) for pk in user_ids if pk in lines}

    hours_contract.register_source("test-course", source)
    yield lines
    hours_contract._SOURCES.pop("test-course", None)


def course_line(n, *, ethics="2", status=Status.CREDITED, delivery=Delivery.SELF_PACED):
    total = Decimal(ethics)
    return HoursLine(
        source="test-course",
        key=f"course:{n}",
        title=f"Course {n}",
        on=date(2026, 1, 1) + timedelta(days=n),
        hours_by_domain={ETHICS: total},
        total=total,
        delivery=delivery,
        face_to_face=total if delivery in Delivery.LIVE else Decimal("0"),
        topics=("confidentiality",),
        status=status,
    )


# Outside training through the pages.


def test_outside_training_recorded_then_verified_counts_only_once_verified(
    client, frameworks, trainee, registrar
):
    client.force_login(trainee)
    response = client.post(NEW, form_data())
    assert response.status_code == 302 and response.url == HOME
    training = OutsideTraining.objects.get(trainee=trainee)
    assert training.status == OutsideTraining.Status.PENDING
    assert training.hours_by_domain == {ETHICS: "8.00", "icrc-pr/mentoring": "4.00"}
    assert training.certificate.name.startswith("outside-training/")
    assert "certificate.pdf" not in training.certificate.name  # a random name, not theirs

    page = client.get(HOME).content.decode()
    assert "Waiting for a registrar" in page
    assert "Ethical Responsibility: 0 of 16 training hours" in page  # waiting: not counted
    assert hours_services.training_record(person=trainee).summary.total == 0

    client.force_login(registrar)
    queue = client.get(QUEUE).content.decode()
    assert "Ethics in peer work, two-day workshop" in queue
    review = reverse("hours:review", args=[training.pk])
    assert client.get(review).status_code == 200
    assert client.post(review, {"decision": "verify"}).status_code == 302
    training.refresh_from_db()
    assert training.status == OutsideTraining.Status.VERIFIED and training.locked
    assert "Ethics in peer work" not in client.get(QUEUE).content.decode()

    client.force_login(trainee)
    page = client.get(HOME).content.decode()
    assert "Ethical Responsibility: 8 of 16 training hours" in page
    assert "Mentoring/Education: 4 of 10 training hours" in page
    assert "12 of 46 training hours" in page
    # Verified is locked: the trainee's form is gone and a POST changes nothing.
    edit = reverse("hours:outside", args=[training.pk])
    assert b"Verified, so it can no longer change" in client.get(edit).content
    client.post(edit, form_data(hours="40"))
    training.refresh_from_db()
    assert training.hours == 12
    actions = list(
        AuditEvent.objects.filter(object_id=str(training.pk), action__startswith="outside_training")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["outside_training.recorded", "outside_training.verified"]


def test_returned_with_a_reason_then_corrected_and_resubmitted(
    client, frameworks, trainee, registrar
):
    training = record(trainee)
    review = reverse("hours:review", args=[training.pk])
    client.force_login(registrar)
    refused = client.post(review, {"decision": "return", "reason": "  "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    training.refresh_from_db()
    assert training.status == OutsideTraining.Status.PENDING
    reason = "The certificate shows 10 hours, not 12."
    assert client.post(review, {"decision": "return", "reason": reason}).status_code == 302
    training.refresh_from_db()
    assert training.status == OutsideTraining.Status.RETURNED and training.return_reason == reason
    # The reason is the registrar's words to the trainee: on the record, not in the trail.
    event = AuditEvent.objects.get(action="outside_training.returned")
    assert reason not in str(event.after) and event.after["status"] == "returned"
    # A returned one cannot be verified until it is sent again.
    assert client.post(review, {"decision": "verify"}).status_code == 409

    client.force_login(trainee)
    page = client.get(HOME).content.decode()
    assert "Returned: does not count" in page and reason in page
    edit = reverse("hours:outside", args=[training.pk])
    assert reason in client.get(edit).content.decode()
    data = form_data(hours="10", certificate=None)
    data[hours_services.domain_field("icrc-pr/mentoring")] = "2"
    assert client.post(edit, data).status_code == 302
    training.refresh_from_db()
    assert training.status == OutsideTraining.Status.PENDING and training.hours == 10
    assert hours_services.training_record(person=trainee).summary.total == 0

    hours_services.verify_outside_training(registrar=registrar, record_id=training.pk)
    summary = hours_services.training_record(person=trainee).summary
    assert summary.total == 10 and summary.by_domain == {ETHICS: 8, "icrc-pr/mentoring": 2}
    actions = list(
        AuditEvent.objects.filter(object_id=str(training.pk), action__startswith="outside_training")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "outside_training.recorded",
        "outside_training.returned",
        "outside_training.resubmitted",
        "outside_training.verified",
    ]


@pytest.mark.parametrize(
    "upload, words",
    [
        (certificate("c.pdf", b""), "empty"),
        (certificate("c.pdf", b"MZ\x90\x00 a program"), "content is not a PDF"),
        (certificate("c.docx", b"PK\x03\x04 word"), "ends in one of: .pdf, .png, .jpg, .jpeg"),
        (certificate("c.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)), "the limit is 5 MB"),
    ],
)
def test_a_bad_certificate_is_refused_at_its_field_with_nothing_lost(
    client, frameworks, trainee, upload, words
):
    client.force_login(trainee)
    response = client.post(NEW, form_data(certificate=upload))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["certificate"] and words in " ".join(errors["certificate"])
    assert 'value="Ethics in peer work, two-day workshop"' in response.content.decode()
    assert not OutsideTraining.objects.exists()


def test_other_bad_input_is_refused_at_each_field(client, frameworks, trainee):
    client.force_login(trainee)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = form_data(completed_on=future, hours="6", delivery=Delivery.BLENDED, live_hours="")
    response = client.post(NEW, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "future" in errors["completed_on"][0]
    assert "add up to 12" in errors["hours"][0]  # 8 + 4 by domain, 6 in all
    assert errors["live_hours"]
    response = client.post(NEW, form_data(**{hours_services.domain_field(ETHICS): "2.1"}))
    assert (
        "quarter hours" in response.context["form"].errors[hours_services.domain_field(ETHICS)][0]
    )
    response = client.post(NEW, form_data(certificate=None))
    assert response.context["form"].errors["certificate"]
    assert not OutsideTraining.objects.exists()


def test_a_trainee_cannot_see_anothers_training_or_certificate(
    client, frameworks, trainee, registrar
):
    training = record(trainee)
    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("hours:outside", args=[training.pk])).status_code == 404
    assert client.get(reverse("hours:certificate", args=[training.pk])).status_code == 404
    assert client.get(reverse("hours:person", args=[trainee.pk])).status_code == 403
    assert client.get(reverse("hours:review", args=[training.pk])).status_code == 403
    assert "Ethics in peer work" not in client.get(HOME).content.decode()
    client.force_login(trainee)
    own = client.get(reverse("hours:certificate", args=[training.pk]))
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
    assert "no-store" in own["Cache-Control"] and "private" in own["Cache-Control"]
    client.force_login(registrar)
    assert client.get(reverse("hours:certificate", args=[training.pk])).status_code == 200
    person = client.get(reverse("hours:person", args=[trainee.pk])).content.decode()
    assert "Ethics in peer work" in person and reverse("hours:review", args=[training.pk]) in person


# Rules and numbers.


def test_icrc_training_rule_is_loaded_from_the_boards_file(frameworks):
    data = yaml.safe_load(Path(DEFAULT_BOARDS_FILE).read_text(encoding="utf-8"))
    entry = next(c for body in data["bodies"] for c in body["credentials"] if c["id"] == "icrc-pr")
    version = Credential.objects.get(code="icrc-pr").current_version
    assert float(version.training_hours) == entry["training"]["total"]["value"] == 46
    assert version.training_hours_by_domain == {
        f"icrc-pr/{code}": hours["value"] for code, hours in entry["training"]["by_domain"].items()
    }
    assert version.training_hours_by_domain == {
        "icrc-pr/advocacy": 10,
        "icrc-pr/mentoring": 10,
        "icrc-pr/recovery": 10,
        "icrc-pr/ethics": 16,
    }
    # Loading again adds no version.
    before = version.credential.versions.count()
    loading_services.load_frameworks()
    assert version.credential.versions.count() == before


def test_hours_by_domain_against_icrc_pr_from_every_source(
    client, frameworks, trainee, registrar, course_source
):
    course_source[trainee.pk] = [
        course_line(1, ethics="5"),
        course_line(2, ethics="3", delivery=Delivery.LIVE_ONLINE),
        course_line(3, ethics="9", status=Status.PENDING),  # shown, not counted
    ]
    training = record(trainee, hours="4", split={ETHICS: "1", "icrc-pr/advocacy": "3"})
    hours_services.verify_outside_training(registrar=registrar, record_id=training.pk)
    found = hours_services.training_record(person=trainee)
    icrc = next(c for c in found.credentials if c.code == "icrc-pr")
    details = {check.key: check.detail for check in icrc.checks}
    assert details["total"] == "12 of 46 training hours"
    assert details[ETHICS] == "Ethical Responsibility: 9 of 16 training hours"
    assert details["icrc-pr/advocacy"] == "Advocacy: 3 of 10 training hours"
    assert not icrc.met
    client.force_login(trainee)
    page = client.get(HOME).content.decode()
    assert "Ethical Responsibility: 9 of 16 training hours" in page
    assert "Course 3" in page and "Waiting for a registrar" in page


def test_eligibility_checks_training_hours_with_numbers_and_the_basis_records_them(
    frameworks, trainee, registrar, course_source
):
    make_credential(
        "test-cert",
        training_hours=10,
        training_hours_by_domain={ETHICS: 4},
        training_face_to_face_share_min=0.5,
        training_topics=["ethics"],
    )
    course_source[trainee.pk] = [course_line(1, ethics="6")]
    eligibility = credential_services.check_eligibility(
        trainee=trainee, credential_code="test-cert"
    )
    lines = {r.kind: r for r in eligibility.requirements if r.kind.startswith("training")}
    assert lines["training_hours"].detail == "6 of 10 training hours"
    assert not lines["training_hours"].met and lines["training_hours"].percent == 60
    assert lines["training_domain"].met
    assert lines["training_domain"].detail == "Ethical Responsibility: 6 of 4 training hours"
    assert lines["training_face_to_face"].detail == (
        "0 of 6 training hours face to face, 0% (at least 50%)"
    )
    assert lines["training_topic"].detail == "Training on Ethics: not yet"
    assert not eligibility.met

    training = record(trainee, hours="6", split={ETHICS: "6"})
    still = credential_services.check_eligibility(trainee=trainee, credential_code="test-cert")
    assert "6 of 10 training hours" in still.summary()  # waiting: not counted yet
    hours_services.verify_outside_training(registrar=registrar, record_id=training.pk)
    done = credential_services.check_eligibility(trainee=trainee, credential_code="test-cert")
    assert done.met, done.summary()
    credential_services.confirm_certificate_name(user=trainee, name="Jordan Ellis")
    issued, _created = certificate_services.issue_certificate(
        trainee=trainee, credential_code="test-cert"
    )
    basis = issued.basis["training_hours"]
    assert basis["total"] == "12.00" and basis["face_to_face"] == "6.00"
    assert basis["by_domain"] == {ETHICS: "12.00"} and basis["topics"] == [
        "confidentiality",
        "ethics",
    ]
    assert {line["key"] for line in basis["lines"]} == {"course:1", f"outside:{training.pk}"}
    assert "Ethics in peer work" not in str(issued.basis)  # the trainee's words stay out


def test_the_product_credential_has_a_training_rule(frameworks):
    version = Credential.objects.get(code="peer-foundations").current_version
    assert float(version.training_hours) == 20
    assert version.training_hours_by_domain == {ETHICS: 6}
    assert float(version.training_face_to_face_share_min) == 0.25
    assert version.training_topics == ["ethics"]


def test_the_rule_editor_saves_training_fields_and_refuses_bad_ones_at_the_field(
    client, frameworks, registrar
):
    credential = Credential.objects.get(code="icrc-pr")
    url = f"/admin/credential/edit/{credential.pk}/"
    client.force_login(registrar)
    page = client.get(url)
    form = dict(page.context["form"].initial)
    form = {k: ("" if v is None else v) for k, v in form.items()}
    form.update({"code": "icrc-pr", "template": "", "qualification_current": "on"})
    form.pop("issued_by_product", None)
    bad = client.post(
        url, {**form, "training_hours_by_domain": "icrc-pr/ethics: 16\nicrc-pr/nope: 2"}
    )
    assert bad.status_code == 200
    assert "icrc-pr/nope" in bad.context["form"].errors["training_hours_by_domain"][0]
    bad = client.post(url, {**form, "training_hours": "20"})
    assert (
        "more than the 20 training hours"
        in bad.context["form"].errors["training_hours_by_domain"][0]
    )
    bad = client.post(url, {**form, "training_face_to_face_share_min": "1.5"})
    assert bad.context["form"].errors["training_face_to_face_share_min"]
    assert credential.versions.count() == 1
    good = {**form, "training_face_to_face_share_min": "0.5", "training_topics": "ethics"}
    assert client.post(url, good).status_code == 302
    version = credential.versions.order_by("-number").first()
    assert version.number == 2 and float(version.training_face_to_face_share_min) == 0.5
    assert version.training_topics == ["ethics"] and float(version.training_hours) == 46


# Privacy.


def test_export_and_erasure_cover_outside_training(
    frameworks, trainee, registrar, django_capture_on_commit_callbacks
):
    training = record(trainee)
    hours_services.return_outside_training(
        registrar=registrar, record_id=training.pk, reason="Hours do not match."
    )
    contribution = next(c for c in registry.contributions() if c.name == "hours")
    exported = contribution.export(trainee)
    (row,) = exported.sections["outside_training"]
    assert row["title"] == "Ethics in peer work" and row["reason_returned"] == "Hours do not match."
    assert exported.subjects == {"hours.outsidetraining": [training.pk]}
    name = training.certificate.name
    storage = training.certificate.storage
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        counts = contribution.erase(trainee)
    assert counts["outside_training_deleted"] == 1
    assert not OutsideTraining.objects.filter(trainee=trainee).exists()
    assert not storage.exists(name)


# Query counts.


def _count(client, url) -> int:
    for _ in range(2):  # warm (the first request makes the site's settings rows)
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_training_hours_page_costs_the_same_queries_at_two_sizes(
    client, frameworks, registrar, course_source
):
    small, large = UserFactory(), UserFactory()
    course_source[small.pk] = [course_line(1)]
    course_source[large.pk] = [course_line(n) for n in range(30)]
    record(small)
    for _n in range(12):
        training = record(large)
        hours_services.verify_outside_training(registrar=registrar, record_id=training.pk)
    client.force_login(small)
    few = _count(client, HOME)
    client.force_login(large)
    many = _count(client, HOME)
    assert few == many
    client.force_login(registrar)
    assert _count(client, reverse("hours:person", args=[small.pk])) == _count(
        client, reverse("hours:person", args=[large.pk])
    )


def test_the_eligibility_checklist_costs_the_same_queries_at_two_sizes(
    client, site, frameworks, registrar, course_source
):
    small, large = UserFactory(), UserFactory()
    course_source[small.pk] = [course_line(1)]
    course_source[large.pk] = [course_line(n) for n in range(30)]
    # (A verification pins the person's versions; both are pinned, so only size differs.)
    hours_services.verify_outside_training(registrar=registrar, record_id=record(small).pk)
    for _n in range(12):
        training = record(large)
        hours_services.verify_outside_training(registrar=registrar, record_id=training.pk)
    url = reverse("credentials:list")
    client.force_login(small)
    few = _count(client, url)
    client.force_login(large)
    assert _count(client, url) == few


def test_the_registrar_desk_shows_the_queue_and_links_each_person_to_their_hours(
    client, frameworks, trainee, registrar
):
    record(trainee)
    client.force_login(registrar)
    desk = client.get(reverse("desk:home")).content.decode()
    assert reverse("hours:queue") in desk and "1 waits for a registrar" in desk
    assert reverse("hours:person", args=[trainee.pk]) in desk
    # The desk's standing counts the training rule of the product credential: 0 of 20 hours.
    assert "0 of 20 training hours" in desk
