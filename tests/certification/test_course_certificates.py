"""A certificate of completion for every course, on the credential machinery: issued once from
the course_completed signal through the outbox, carrying the course's approved contact hours
by domain as they were at completion, signed as an Open Badges 3.0 "Course" credential,
verifiable, revocable and replaceable, on the holder's page and accepted by rosters."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from certification.credentials import openbadges
from certification.credentials.models import Certificate, CertificateName, CertificateTemplate
from certification.credentials.services import course_certificates, lifecycle
from certification.credentials.services import credentials as credential_services
from certification.credentials.services import loading as loading_services
from courses.models import Enrolment
from courses.services import contact_hours
from lms.hours import Delivery, lines_for
from tests.certification.course_helpers import (
    complete_course,
    course_with_hours,
    provider_approvals,
)
from tests.certification.ob_schema import assert_valid_open_badge
from tests.certification.org_helpers import employer, member
from tests.certification.test_rosters import upload
from tests.certification.test_watch import share_over_http, watch_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frameworks(db):
    loading_services.load_frameworks()


@pytest.fixture
def design(db):
    return CertificateTemplate.objects.create(
        name="Northside", issuing_organisation="Northside Recovery College", is_default=True
    )


@pytest.fixture
def learner(db):
    user = UserFactory(legal_name="Jordan Avery Ellis")
    credential_services.confirm_certificate_name(user=user, name="Jordan Avery Ellis")
    return user


@pytest.fixture
def course(site, frameworks, design, registrar):
    provider_approvals()
    return course_with_hours(registrar)


def course_certificates_of(user):
    return Certificate.objects.filter(trainee=user, kind=Certificate.Kind.COURSE)


def test_completing_a_course_issues_its_certificate_once_with_the_hours_by_domain(
    course, learner, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons[:-1])
    assert not course_certificates_of(learner).exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons[-1:])
    certificate = course_certificates_of(learner).get()
    assert certificate.status == Certificate.Status.ISSUED and certificate.ready
    assert certificate.course_id == page.pk and certificate.credential_version_id is None
    assert certificate.credential_title == "Ethics-Course (approved)"
    assert certificate.holder_name == "Jordan Avery Ellis"
    hours = certificate.contact_hours
    assert hours["total"] == "12" and hours["delivery"] == Delivery.LIVE_ONLINE
    assert [(d["key"], d["label"], d["hours"]) for d in hours["by_domain"]] == [
        ("icrc-pr/ethics", "Ethical Responsibility", "8"),
        ("icrc-pr/mentoring", "Mentoring/Education", "4"),
    ]
    assert certificate.provider == {
        "name": "Northside Recovery College",
        "approvals": [
            {"body": "NAADAC", "number": "NAADAC-212345"},
            {"body": "Pennsylvania Certification Board", "number": "PCB-4410"},
        ],
    }
    assert certificate.attended_from <= certificate.attended_to
    assert len(mail.outbox) == 1
    # Completing again (another lesson, a re-run of the task) issues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
        course_certificates.queue_course_certificate(trainee=learner, course_id=page.pk)
        again, created = course_certificates.issue_course_certificate(
            trainee=learner, course_id=page.pk
        )
    assert not created and again.pk == certificate.pk
    assert course_certificates_of(learner).count() == 1


def test_name_confirmed_after_completion_issues_the_course_certificates(
    course, django_capture_on_commit_callbacks
):
    page, lessons = course
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(user, page, lessons)
    assert not course_certificates_of(user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        credential_services.confirm_certificate_name(user=user, name="Sam Rivera")
    assert course_certificates_of(user).get().holder_name == "Sam Rivera"


def test_hours_changed_after_completion_keep_the_learners_snapshot(
    course, learner, registrar, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
    contact_hours.set_contact_hours(
        registrar=registrar,
        page=page,
        title="Ethics, revised",
        total="16",
        hours_by_domain={"icrc-pr/ethics": "16"},
        delivery=Delivery.IN_PERSON,
    )
    later = UserFactory()
    credential_services.confirm_certificate_name(user=later, name="Lee Later")
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(later, page, lessons)
    first = course_certificates_of(learner).get()
    second = course_certificates_of(later).get()
    assert first.contact_hours["total"] == "12" and first.credential_version_number == 1
    assert second.contact_hours["total"] == "16" and second.credential_version_number == 2
    lines = lines_for([learner.pk, later.pk])
    [mine] = [line for line in lines[learner.pk] if line.source == "course"]
    [theirs] = [line for line in lines[later.pk] if line.source == "course"]
    assert mine.key == f"course:{page.pk}:v1" and mine.total == 12
    assert mine.hours_by_domain == {"icrc-pr/ethics": 8, "icrc-pr/mentoring": 4}
    assert mine.face_to_face == 12 and mine.provider == "Northside Recovery College"
    assert theirs.key == f"course:{page.pk}:v2" and theirs.title == "Ethics, revised"
    assert theirs.delivery == Delivery.IN_PERSON


def test_signed_credential_is_an_ob3_course_that_validates_and_verifies(
    course, learner, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
    certificate = course_certificates_of(learner).get()
    credential = certificate.signed_credential
    assert_valid_open_badge(credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Course"
    assert achievement["name"] == "Ethics-Course (approved)"
    assert "icrc-pr/ethics" in {a["targetCode"] for a in achievement["alignment"]}
    assert "8 h" in achievement["criteria"]["narrative"]
    result = openbadges.verify_credential(credential=credential)
    assert result.verified, result


def test_verify_page_shows_it_and_revocation_shows_revoked(
    client, course, learner, registrar, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
    certificate = course_certificates_of(learner).get()
    url = f"/verify/{certificate.verification_code}/"
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ethics-Course (approved)" in body and "Jordan Avery Ellis" in body
    assert "12" in body and "Ethical Responsibility" in body
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.revoke_certificate(
            registrar=registrar,
            certificate_id=certificate.pk,
            reason="Completed in error.",
            category=Certificate.Reason.ISSUED_IN_ERROR,
        )
    body = client.get(url).content.decode()
    assert "Revoked" in body or "revoked" in body


def test_holder_sees_it_on_their_credentials_page(
    client, course, learner, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
    client.force_login(learner)
    body = client.get(reverse("credentials:list")).content.decode()
    assert "Ethics-Course (approved)" in body


def test_replacing_a_course_certificate_keeps_its_course_and_hours(
    course, learner, registrar, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
    old = course_certificates_of(learner).get()
    with django_capture_on_commit_callbacks(execute=True):
        new = lifecycle.replace_certificate(
            actor=registrar, certificate_id=old.pk, reason="Spelling", holder_name="Jordan Ellis"
        )
    new.refresh_from_db()
    assert new.kind == Certificate.Kind.COURSE and new.course_id == page.pk
    assert new.contact_hours == old.contact_hours and new.status == Certificate.Status.ISSUED
    assert new.signed_credential["credentialSubject"]["achievement"]["achievementType"] == (
        "Course"
    )
    assert Enrolment.objects.get(user=learner).contact_hours_version.number == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_one_course_certificate(registrar, site):
    """Four workers issue the same learner's course certificate at the same moment (a
    redelivered task, the name confirmed while the course completes): one certificate. Needs
    PostgreSQL (SQLite has no row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock concurrency runs on PostgreSQL (the CI's second pass).")
    loading_services.load_frameworks()
    page, lessons = course_with_hours(registrar, "race-course")
    learner = UserFactory()
    complete_course(learner, page, lessons)  # no name yet: nothing is queued
    CertificateName.objects.create(user=learner, name="Sam Race", confirmed_at=timezone.now())
    barrier = threading.Barrier(4)
    errors, results = [], []

    def issue():
        try:
            barrier.wait()
            results.append(
                course_certificates.issue_course_certificate(trainee=learner, course_id=page.pk)
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(created for _certificate, created in results) == 1
    assert len({certificate.pk for certificate, _created in results}) == 1
    assert course_certificates_of(learner).count() == 1


def test_the_roster_check_and_watch_list_accept_course_certificates(
    client, course, learner, django_capture_on_commit_callbacks
):
    page, lessons = course
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, page, lessons)
    certificate = course_certificates_of(learner).get()
    riverside = employer()
    verifier = member(riverside, "verifier", legal_name="Tom Becker")
    client.force_login(verifier)
    response = upload(client, riverside, f"Code\n{certificate.grouped_code}\n")
    assert response.status_code == 200
    [row] = response.context["result"].rows
    assert row.state == "valid" and row.record["kind"] == "course"
    assert row.record["course"]["contact_hours"]["total"] == "12"
    assert "Ethics-Course (approved)" in response.content.decode()
    # The holder shares it; it is on the employer's watch list.
    assert share_over_http(client, certificate, riverside).status_code == 302
    watched = watch_page(client, verifier, riverside)
    [watched_row] = watched.context["rows"]
    assert watched_row["record"]["code"] == certificate.grouped_code
    assert "Ethics-Course (approved)" in watched.content.decode()
