"""Approved contact hours: a trainer proposes, a registrar approves (audited); unapproved
hours count for nothing; bad input is refused at its field; completed courses are training
hours through the "course" source in a fixed number of queries; completion also waits for
what apps above register (required live sessions), and the course page says what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.credentials.services import loading as loading_services
from courses.models import ContactHoursVersion, Enrolment
from courses.services import contact_hours
from lms import hours
from lms.audit.models import AuditEvent
from tests.certification.course_helpers import complete_course, course_with_hours
from tests.certification.credential_helpers import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frameworks(db):
    loading_services.load_frameworks()


@pytest.fixture
def course(site, frameworks):
    page, lessons, _quiz = make_course("ethics-ch", lessons=2, quiz=False)
    return page, lessons


def propose(client, page, **data):
    values = {
        "title": "Ethics, confidentiality and its limits",
        "total": "12",
        "delivery": "live_online",
        "hours_by_domain": "icrc-pr/ethics = 8\nicrc-pr/mentoring = 4",
        **data,
    }
    return client.post(reverse("teach:contact_hours_page", args=[page.pk]), values)


def test_a_trainers_proposal_counts_for_nothing_until_a_registrar_approves_it(
    client, course, trainer, registrar
):
    page, lessons = course
    client.force_login(trainer)
    response = propose(client, page)
    assert response.status_code == 302
    proposal = ContactHoursVersion.objects.get()
    assert proposal.status == "proposed" and proposal.number is None
    learner = UserFactory()
    complete_course(learner, page, lessons)
    assert Enrolment.objects.get(user=learner).contact_hours_version is None
    assert hours.lines_for([learner.pk])[learner.pk] == []
    assert "Approved contact hours" not in client.get(page.url).content.decode()
    # The trainer cannot approve their own proposal.
    decide = reverse("teach:contact_hours_decide", args=[proposal.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(registrar)
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.number == 1
    assert proposal.decided_by == registrar
    # Completed before any hours were approved: the first version is theirs.
    [line] = hours.lines_for([learner.pk])[learner.pk]
    assert line.key == f"course:{page.pk}:v1" and line.total == 12
    actions = set(
        AuditEvent.objects.filter(object_type="courses.contacthoursversion").values_list(
            "action", flat=True
        )
    )
    assert actions == {"contact_hours.proposed", "contact_hours.approved"}
    body = client.get(page.url).content.decode()
    assert "Approved contact hours" in body and "Ethical Responsibility" in body
    assert "Live online" in body


def test_returned_proposal_keeps_the_approved_hours_and_says_why(
    client, course, trainer, registrar
):
    page, _lessons = course
    contact_hours.set_contact_hours(
        registrar=registrar,
        page=page,
        title="Ethics",
        total="6",
        hours_by_domain={"icrc-pr/ethics": "6"},
        delivery="self_paced",
    )
    client.force_login(trainer)
    propose(client, page, total="20", hours_by_domain="icrc-pr/ethics = 20")
    proposal = ContactHoursVersion.objects.proposed().get()
    client.force_login(registrar)
    decide = reverse("teach:contact_hours_decide", args=[proposal.pk])
    client.post(decide, {"decision": "return", "reason": ""})
    assert ContactHoursVersion.objects.proposed().exists()  # no reason: nothing changed
    client.post(decide, {"decision": "return", "reason": "Ethics is 16 hours at most here."})
    proposal.refresh_from_db()
    assert proposal.status == "declined" and proposal.number is None
    assert contact_hours.current_version(page.pk).total == 6
    client.force_login(trainer)
    body = client.get(reverse("teach:contact_hours_page", args=[page.pk])).content.decode()
    assert "Ethics is 16 hours at most here." in body


@pytest.mark.parametrize(
    ("data", "field_text"),
    [
        ({"hours_by_domain": "icrc-pr/astrology = 3"}, "not domains of a framework"),
        ({"hours_by_domain": "icrc-pr/ethics = 13"}, "more than the"),
        ({"hours_by_domain": "icrc-pr/ethics eight"}, "Give a number of hours"),
        ({"hours_by_domain": "just words"}, "Give a number of hours"),
        ({"total": "-2"}, "Ensure this value is greater than or equal to 0"),
        ({"delivery": "carrier-pigeon"}, "Select a valid choice"),
    ],
)
def test_bad_hours_are_refused_at_their_field_and_nothing_is_stored(
    client, course, trainer, data, field_text
):
    page, _lessons = course
    client.force_login(trainer)
    response = propose(client, page, **data)
    assert response.status_code == 400
    body = response.content.decode()
    assert field_text in body
    # What was typed is still there.
    assert "Ethics, confidentiality and its limits" in body
    assert not ContactHoursVersion.objects.exists()


def test_completion_waits_for_registered_blockers_and_the_page_says_what(client, course, registrar):
    page, lessons = course
    learner = UserFactory()

    def live_sessions(user_id, course_id):
        return ["Attend 'Boundaries in practice' (live, 2 h)"] if course_id == page.pk else []

    hours.register_completion_check("test-sessions", live_sessions)
    try:
        complete_course(learner, page, lessons)
        assert Enrolment.objects.get(user=learner).completed_at is None
        client.force_login(learner)
        body = client.get(page.url).content.decode()
        assert "Still needed to complete this course" in body
        assert "Attend &#x27;Boundaries in practice&#x27; (live, 2 h)" in body
    finally:
        hours._COMPLETION_CHECKS.pop("test-sessions")
    from courses import services as course_services

    assert course_services.refresh_course_completion(user=learner, course=page)
    assert Enrolment.objects.get(user=learner).completed_at is not None


def _lines_queries(user_ids):
    with CaptureQueriesContext(connection) as queries:
        found = hours.registered_sources()["course"](user_ids)
    return len(queries), found


def test_course_source_reads_any_number_of_people_in_a_fixed_number_of_queries(
    course, frameworks, registrar
):
    page, lessons = course
    other, other_lessons = course_with_hours(registrar, "boundaries-ch")
    contact_hours.set_contact_hours(
        registrar=registrar,
        page=page,
        title="Ethics",
        total="12",
        hours_by_domain={"icrc-pr/ethics": "12"},
        delivery="blended",
        face_to_face="4",
    )
    small = [UserFactory() for _ in range(2)]
    large = [UserFactory() for _ in range(8)]
    for learner in small + large:
        complete_course(learner, page, lessons)
        complete_course(learner, other, other_lessons)
    few, found_small = _lines_queries([u.pk for u in small])
    many, found_large = _lines_queries([u.pk for u in large])
    assert few == many <= 4  # completions, then the site and its provider name
    assert len(found_large) == 8 and all(len(lines) == 2 for lines in found_large.values())
    line = found_small[small[0].pk][0]
    assert line.face_to_face == 4 and line.delivery == "blended"


def test_catalogue_card_shows_hours_by_domain_in_a_fixed_number_of_queries(
    client, course, registrar, django_assert_max_num_queries
):
    page, _lessons = course
    contact_hours.set_contact_hours(
        registrar=registrar,
        page=page,
        title="Ethics",
        total="6",
        hours_by_domain={"icrc-pr/ethics": "6"},
        delivery="in_person",
    )
    client.force_login(UserFactory())
    catalogue = page.get_parent().url
    client.get(catalogue)
    with CaptureQueriesContext(connection) as before:
        client.get(catalogue)
    for n in range(3):
        course_with_hours(registrar, f"more-{n}")
    client.get(catalogue)  # the course tree is cached again, as it was before
    with CaptureQueriesContext(connection) as after:
        body = client.get(catalogue).content.decode()
    assert len(after) == len(before)
    assert "12 approved contact hours" in body and "Ethical Responsibility 8 h" in body


def test_contact_hours_list_is_flat_in_queries_at_two_sizes(client, course, registrar):
    page, _lessons = course
    contact_hours.set_contact_hours(
        registrar=registrar,
        page=page,
        title="Ethics",
        total="6",
        hours_by_domain={"icrc-pr/ethics": "6"},
        delivery="in_person",
    )
    contact_hours.propose_contact_hours(
        proposer=registrar,
        page=page,
        title="Ethics",
        total="8",
        hours_by_domain={"icrc-pr/ethics": "8"},
        delivery="in_person",
    )
    client.force_login(registrar)
    url = reverse("teach:contact_hours")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(4):
        page, _lessons = course_with_hours(registrar, f"list-{n}")
        contact_hours.propose_contact_hours(
            proposer=registrar,
            page=page,
            title="Revised",
            total="14",
            hours_by_domain={"icrc-pr/ethics": "14"},
            delivery="in_person",
        )
    client.get(url)  # publishing emptied the site's cached catalogue address: warm it again
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    body = response.content.decode()
    assert body.count("14 hours proposed") == 4 and "5 proposals are waiting" in body
