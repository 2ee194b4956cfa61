"""Trainer view of a cohort: progress table, chart, CSV, and one-step enrolment."""

import csv
import io

import pytest
from django.urls import reverse

from courses import services
from courses.models import Enrolment
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(course, trainer):
    cohort = CohortFactory(course=course, trainer=trainer, name="Spring cohort")
    ada = UserFactory(legal_name="Ada Learner", preferred_name="Ada")
    bo = UserFactory(legal_name="Bo Learner", preferred_name="=HYPERLINK(1)")
    cohort.learners.add(ada, bo)
    return cohort


def test_trainer_enrols_the_whole_cohort_in_one_step(client, trainer, cohort):
    client.force_login(trainer)
    response = client.post(reverse("teach:cohort", args=[cohort.pk]), follow=True)
    # Worded with ngettext now ("1 learner enrolled", not "1 enrolled").
    assert "2 learners enrolled. 0 were already enrolled." in response.content.decode()
    assert Enrolment.objects.filter(cohort=cohort).count() == 2
    again = client.post(reverse("teach:cohort", args=[cohort.pk]), follow=True)
    assert "0 learners enrolled. 2 were already enrolled." in again.content.decode()
    assert Enrolment.objects.filter(course=cohort.course).count() == 2


def test_progress_table_chart_and_csv(client, trainer, cohort, lessons):
    services.enrol_cohort(cohort=cohort)
    ada = cohort.learners.get(preferred_name="Ada")
    for lesson in lessons[:3]:
        services.complete_lesson(user=ada, lesson=lesson)
    client.force_login(trainer)
    page = client.get(reverse("teach:cohort", args=[cohort.pk])).content.decode()
    assert "Spring cohort" in page
    assert "<svg" in page and 'class="bar"' in page
    assert "50%" in page  # Ada: 3 of 6 lessons

    response = client.get(reverse("teach:cohort_csv", args=[cohort.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["learner", "email", "enrolled", "completed", "percent"]
    assert len(rows[0]) == 5 + len(lessons)
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ada"][4] == "50"
    assert by_name["Ada"][5:] == ["done", "done", "done", "", "", ""]
    # A name that looks like a spreadsheet formula is neutralised.
    assert "'=HYPERLINK(1)" in by_name


def test_cohort_report_is_only_for_its_trainer(client, cohort, trainee, organisation):
    other_trainer = UserFactory(is_staff=True)
    for user in (trainee, other_trainer):
        client.force_login(user)
        assert client.get(reverse("teach:cohort", args=[cohort.pk])).status_code == 404
        assert client.get(reverse("teach:cohort_csv", args=[cohort.pk])).status_code == 404
        assert client.post(reverse("teach:cohort", args=[cohort.pk])).status_code == 404
    assert not Enrolment.objects.exists()
    client.force_login(trainee)
    assert client.get(reverse("teach:cohorts")).status_code == 403


def test_cohort_report_needs_sign_in(client, cohort):
    response = client.get(reverse("teach:cohort_csv", args=[cohort.pk]))
    assert response.status_code == 302


def test_the_progress_csv_neutralises_every_formula_start(client, trainer, cohort):
    """The cohort export uses the strict check: a formula hidden behind spaces, or started
    with | or %, is neutralised too (the old copy let these through)."""
    for name in (" =cmd|' /C calc'!A0", "|calc", "%0A=1+1", "\t=1+1"):
        cohort.learners.add(UserFactory(legal_name="Formula Learner", preferred_name=name))
    client.force_login(trainer)
    response = client.get(reverse("teach:cohort_csv", args=[cohort.pk]))
    names = {row[0] for row in csv.reader(io.StringIO(response.content.decode()))}
    for name in (" =cmd|' /C calc'!A0", "|calc", "%0A=1+1", "\t=1+1"):
        assert "'" + name in names and name not in names, name
