"""Enrolment rules: open, cohort-only and closed courses, prerequisites, no duplicates."""

import pytest
from django.urls import reverse

from courses import services
from courses.exceptions import PrerequisitesMissingError
from courses.models import CoursePage, Enrolment
from tests.factories import CohortFactory, UserFactory, build_course

pytestmark = pytest.mark.django_db


def enrol(client, course):
    return client.post(reverse("learn:enrol", args=[course.pk]), follow=True)


def test_self_enrolment_on_an_open_course(client, trainee, course):
    client.force_login(trainee)
    response = enrol(client, course)
    assert response.status_code == 200
    assert "You are enrolled" in response.content.decode()
    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1


def test_enrolling_twice_says_so_and_keeps_one_row(client, trainee, course):
    client.force_login(trainee)
    enrol(client, course)
    response = enrol(client, course)
    assert "already enrolled" in response.content.decode()
    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1


def test_closed_course_refuses_with_a_message(client, trainee, catalogue):
    course, _ = build_course(title="Closed one", enrolment_mode=CoursePage.EnrolmentMode.CLOSED)
    client.force_login(trainee)
    response = enrol(client, course)
    assert "not taking new enrolments" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_cohort_only_course_refuses_self_enrolment(client, trainee, catalogue):
    course, _ = build_course(title="Cohort one", enrolment_mode=CoursePage.EnrolmentMode.COHORT)
    client.force_login(trainee)
    response = enrol(client, course)
    assert "join this course with a cohort" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_missing_prerequisite_is_named(client, trainee, catalogue):
    first, first_lessons = build_course(title="Boundaries first", modules=1, lessons_per_module=1)
    second, _ = build_course(title="Ethics next")
    second.prerequisites.add(first)
    second.save_revision().publish()
    client.force_login(trainee)
    response = enrol(client, second)
    assert "Complete these courses first: Boundaries first." in response.content.decode()
    assert not Enrolment.objects.filter(course=second).exists()

    services.enrol_learner(user=trainee, course=first)
    services.complete_lesson(user=trainee, lesson=first_lessons[0])
    enrol(client, second)
    assert Enrolment.objects.filter(user=trainee, course=second).exists()


def test_enrol_requires_sign_in(client, course):
    response = client.post(reverse("learn:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_enrol_in_unknown_or_draft_course_is_404(client, trainee, catalogue):
    draft, _ = build_course(title="Draft course", live=False)
    client.force_login(trainee)
    assert client.post(reverse("learn:enrol", args=[draft.pk])).status_code == 404
    assert client.post(reverse("learn:enrol", args=[999999])).status_code == 404


def test_enrol_cohort_in_one_step_reports_who_could_not_join(catalogue):
    first, first_lessons = build_course(title="Needed first", modules=1, lessons_per_module=1)
    course, _ = build_course(title="Cohort course", enrolment_mode=CoursePage.EnrolmentMode.COHORT)
    course.prerequisites.add(first)
    course.save_revision().publish()
    ready = UserFactory(legal_name="Ready Learner")
    services.enrol_learner(user=ready, course=first)
    services.complete_lesson(user=ready, lesson=first_lessons[0])
    not_ready = UserFactory(legal_name="Not Ready")
    cohort = CohortFactory(course=course)
    cohort.learners.add(ready, not_ready)

    result = services.enrol_cohort(cohort=cohort)
    assert result.enrolled == [ready]
    assert [user for user, _ in result.refused] == [not_ready]
    assert "Needed first" in str(result.refused[0][1])
    again = services.enrol_cohort(cohort=cohort)
    assert again.already == [ready] and again.enrolled == []
    assert Enrolment.objects.filter(course=course).count() == 1
    assert Enrolment.objects.get(course=course).cohort == cohort


def test_prerequisite_error_lists_every_missing_course(trainee, catalogue):
    a, _ = build_course(title="A course", modules=1, lessons_per_module=1)
    b, _ = build_course(title="B course", modules=1, lessons_per_module=1)
    target, _ = build_course(title="Target")
    target.prerequisites.add(a, b)
    target.save_revision().publish()
    with pytest.raises(PrerequisitesMissingError) as error:
        services.enrol_learner(user=trainee, course=target)
    assert [c.title for c in error.value.missing] == ["A course", "B course"]
