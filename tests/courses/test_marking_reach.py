"""Every written answer reaches a marker, and Teaching links to the marking queue: a learner
in a cohort goes to its trainer; a learner in no cohort of the course goes to the course's
trainers (those teaching it for the learner's organisation); anyone else goes to the default
marking group. The learner's status says where things stand before and after release."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses import services
from courses.models import Response
from lms.accounts.models import Membership
from tests.courses.assessment_helpers import make_question, make_quiz
from tests.factories import CohortFactory, EnrolmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(lessons):
    return make_quiz(lessons[0].get_parent().specific, [make_question("written_response")])


def submit_written(learner, quiz):
    attempt = services.start_attempt(user=learner, quiz=quiz)
    services.save_answer(user=learner, key=attempt.key, position=0, payload="My answer")
    services.submit_attempt(user=learner, key=attempt.key)
    return Response.objects.get(attempt=attempt)


def queue_of(client, user):
    client.force_login(user)
    response = client.get(reverse("teach:marking"))
    assert response.status_code == 200
    return response.content.decode()


def a_trainer(organisation):
    """A trainer outside the Trainers group, teaching for `organisation`."""
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.TRAINER)
    return user


def test_teaching_links_to_the_marking_queue_with_what_is_waiting(
    client, enrolled, course, quiz, trainer, organisation
):
    CohortFactory(course=course, trainer=trainer, organisation=organisation).learners.add(enrolled)
    client.force_login(trainer)
    assert reverse("teach:marking") in client.get(reverse("teach:cohorts")).content.decode()
    submit_written(enrolled, quiz)
    page = client.get(reverse("teach:cohorts")).content.decode()
    assert "Marking (1 answer waiting)" in page
    assert 'aria-current="page"' in client.get(reverse("teach:marking")).content.decode()


def test_a_learner_in_no_cohort_reaches_the_course_trainers_of_their_organisation(
    client, enrolled, course, quiz, organisation
):
    course_trainer = a_trainer(organisation)
    CohortFactory(course=course, trainer=course_trainer, organisation=organisation)
    elsewhere = CohortFactory(course=course, trainer=UserFactory(is_staff=True))  # other org
    written = submit_written(enrolled, quiz)
    mark_url = reverse("teach:mark", args=[written.pk])
    assert mark_url in queue_of(client, course_trainer)
    assert mark_url not in queue_of(client, elsewhere.trainer)
    client.force_login(course_trainer)
    assert client.get(mark_url).status_code == 200


def test_a_learner_nobody_teaches_reaches_the_default_marking_group(
    client, course, quiz, trainer, settings
):
    learner = UserFactory()  # self-enrolled, in no organisation and no cohort
    EnrolmentFactory(user=learner, course=course)
    written = submit_written(learner, quiz)
    mark_url = reverse("teach:mark", args=[written.pk])
    outsider = UserFactory(is_staff=True)
    assert mark_url in queue_of(client, trainer)  # the Trainers group is the default
    client.force_login(outsider)
    assert client.get(reverse("teach:marking")).status_code == 403  # no marker at all
    settings.COURSES_DEFAULT_MARKING_GROUP = "Markers"
    Group.objects.create(name="Markers").user_set.add(outsider)
    assert mark_url in queue_of(client, outsider)
    assert mark_url not in queue_of(client, trainer)


def test_a_learner_in_a_cohort_stays_with_their_cohort_trainer(
    client, enrolled, course, quiz, trainer, organisation
):
    cohort = CohortFactory(course=course, trainer=a_trainer(organisation))
    cohort.learners.add(enrolled)
    written = submit_written(enrolled, quiz)
    mark_url = reverse("teach:mark", args=[written.pk])
    assert mark_url in queue_of(client, cohort.trainer)
    assert mark_url not in queue_of(client, trainer)  # default group: not for claimed answers


def test_an_unclaimed_answer_stays_within_the_learners_provider(
    client, roles, enrolled, course, quiz, organisation
):
    """A learner of provider A in no cohort, on a course no cohort of A runs: A's own trainers
    mark it; a trainer of provider B never sees it, even in the default marking group (the
    organisation scoping of issue 14 holds for marking too)."""
    from django.contrib.auth.models import Group

    from tests.factories import OrganisationFactory

    own = a_trainer(organisation)
    provider_b = OrganisationFactory(name="Southside Peer Academy", slug="southside")
    outsider = a_trainer(provider_b)
    outsider.groups.add(Group.objects.get(name="Trainers"))  # the default marking group
    written = submit_written(enrolled, quiz)
    mark_url = reverse("teach:mark", args=[written.pk])
    assert mark_url in queue_of(client, own)
    assert mark_url not in queue_of(client, outsider)
    client.force_login(outsider)
    assert client.get(mark_url).status_code == 404
