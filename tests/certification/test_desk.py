"""The registrar desk: who is eligible, close or blocked for each credential and by what,
filtered by credential, cohort and standing, as a page and a CSV; links to the erasure queue
and issuance failures; registrars only; a fixed number of queries per person listed."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.credentials.models import Certificate
from certification.credentials.services.credentials import attest
from lms.accounts.models import ErasureRequest, Membership
from tests.certification.credential_helpers import finish_lessons, make_course, make_credential
from tests.certification.org_helpers import issued_certificate
from tests.factories import CohortFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("desk:home")
CSV_URL = reverse("desk:export_csv")


def learner(name, organisation):
    user = UserFactory(legal_name=name)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.TRAINEE)
    return user


@pytest.fixture
def world(site, organisation):
    """A credential of three requirements (two courses and the ethics attestation) and one
    person in each standing."""
    course_a, lessons_a, _quiz = make_course("desk-a", quiz=False)
    course_b, lessons_b, _quiz = make_course("desk-b", quiz=False)
    make_credential(
        "test-cert",
        title="Desk Test Certificate",
        required_courses=["desk-a", "desk-b"],
        attestations=["code_of_ethics"],
    )
    eligible = learner("Ella Eligible", organisation)
    finish_lessons(eligible, course_a, lessons_a)
    finish_lessons(eligible, course_b, lessons_b)
    attest(trainee=eligible, code="code_of_ethics")
    close = learner("Cory Close", organisation)
    finish_lessons(close, course_a, lessons_a)
    attest(trainee=close, code="code_of_ethics")
    blocked = learner("Bea Blocked", organisation)
    certified = issued_certificate("Cal Certified", code="test-cert").trainee
    MembershipFactory(user=certified, organisation=organisation, role=Membership.Role.TRAINEE)
    return {
        "eligible": eligible,
        "close": close,
        "blocked": blocked,
        "certified": certified,
        "organisation": organisation,
    }


def standings(response):
    return {row.person.legal_name: row.standing for row in response.context["desk"].rows}


def test_each_person_is_eligible_close_blocked_or_certified_with_what_blocks_them(
    client, registrar, world
):
    client.force_login(registrar)
    response = client.get(URL)
    assert response.status_code == 200
    assert standings(response) == {
        "Ella Eligible": "eligible",
        "Cory Close": "close",
        "Bea Blocked": "blocked",
        "Cal Certified": "certified",
    }
    desk = response.context["desk"]
    assert desk.counts == {"eligible": 1, "close": 1, "blocked": 1, "certified": 1}
    rows = {row.person.legal_name: row for row in desk.rows}
    assert [r.detail for r in rows["Cory Close"].blockers] == [
        "Desk-B: 0 of 2 lessons, not completed"
    ]
    assert len(rows["Bea Blocked"].blockers) == 3
    assert rows["Ella Eligible"].waiting_for_name  # met, but the name is not confirmed
    # Eligible first, then close, blocked and certified.
    assert [row.standing for row in desk.rows] == ["eligible", "close", "blocked", "certified"]
    # What holds people back, with numbers: the second course blocks two people.
    assert dict(desk.blockers)["Desk-B"] == 2
    html = response.content.decode()
    assert "Desk-B: 0 of 2 lessons, not completed" in html
    assert "Waiting for the person to confirm the name" in html
    assert "1 eligible" in html and "1 blocked" in html


def test_filters_by_credential_cohort_and_standing(client, registrar, world):
    make_credential("other-cert", title="Another Certificate", attestations=["code_of_ethics"])
    cohort = CohortFactory(organisation=world["organisation"])
    cohort.learners.add(world["close"], world["blocked"])
    client.force_login(registrar)

    both = client.get(URL)
    assert {row.credential_code for row in both.context["desk"].rows} == {
        "test-cert",
        "other-cert",
    }
    one = client.get(URL, {"credential": "test-cert"})
    assert {row.credential_code for row in one.context["desk"].rows} == {"test-cert"}
    in_cohort = client.get(URL, {"credential": "test-cert", "cohort": cohort.pk})
    assert standings(in_cohort) == {"Cory Close": "close", "Bea Blocked": "blocked"}
    only_blocked = client.get(URL, {"credential": "test-cert", "standing": "blocked"})
    assert standings(only_blocked) == {"Bea Blocked": "blocked"}
    # The counts stay those of everybody in the filter, whichever standing is shown.
    assert only_blocked.context["desk"].counts["eligible"] == 1


def test_an_unknown_filter_is_refused_at_its_field(client, registrar, world):
    client.force_login(registrar)
    response = client.get(URL, {"credential": "no-such", "cohort": "999999"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "credential" in form.errors and "cohort" in form.errors
    assert "There is a problem" in response.content.decode()


def test_the_csv_has_every_row_with_its_numbers_and_is_safe_in_a_spreadsheet(
    client, registrar, world
):
    world["blocked"].legal_name = "=HYPERLINK(1)"
    world["blocked"].save(update_fields=["legal_name"])
    client.force_login(registrar)
    response = client.get(CSV_URL, {"credential": "test-cert"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_standing = {row["standing"]: row for row in rows}
    assert set(by_standing) == {"eligible", "close", "blocked", "certified"}
    assert by_standing["close"]["requirements met"] == "2/3"
    assert by_standing["close"]["blocked by"] == "Desk-B: 0 of 2 lessons, not completed"
    assert by_standing["blocked"]["name"] == "'=HYPERLINK(1)"


def test_the_desk_links_the_erasure_queue_and_lists_issuance_failures(client, registrar, world):
    ErasureRequest.objects.create(user=world["blocked"], due_by="2030-01-01")
    failed = issued_certificate("Fay Failed")
    Certificate.objects.filter(pk=failed.pk).update(
        status=Certificate.Status.PENDING, pdf_sha256="", last_error="Font not found"
    )
    client.force_login(registrar)
    response = client.get(URL)
    html = response.content.decode()
    assert reverse("privacy:requests") in html
    assert "1 open request" in html
    assert [c.pk for c in response.context["desk"].failures] == [failed.pk]
    assert reverse("certificate:inspect", args=[failed.pk]) in html


@pytest.mark.parametrize("who", ["trainee", "trainer", "org_admin"])
def test_only_registrars_use_the_desk(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    client.logout()
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def count_queries(client) -> int:
    client.get(URL, {"credential": "test-cert"})  # warm, as in a running server
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"credential": "test-cert"}).status_code == 200
    return len(captured)


def test_the_desk_costs_a_fixed_number_of_queries_per_person(client, registrar, world):
    """The same page, the same answer: counts are exact, and each more person (here people
    who have done nothing yet) adds the same number, never more than eligibility's own."""
    client.force_login(registrar)
    first = count_queries(client)
    assert count_queries(client) == first  # deterministic
    learner("Extra One", world["organisation"])
    one_more = count_queries(client)
    for n in range(3):
        learner(f"Extra {n + 2}", world["organisation"])
    four_more = count_queries(client)
    per_person = one_more - first
    assert 0 < per_person <= 12  # check_eligibility_many for one person
    assert four_more - first == 4 * per_person
