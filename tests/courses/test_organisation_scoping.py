"""A trainer acts only on the cohorts, learners, quizzes, marking and accommodations of the
organisations they teach for, and never chooses who teaches a cohort. The first test replays
the outside probe's attack (issue 14): a trainer of provider B takes over provider A's cohort,
adds themself and a learner, reads and marks the learner's written answer, releases the
result and downloads the cohort's emails. Every step is refused; provider A's trainer still
does their normal work."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from courses import permissions, services
from courses.models import Accommodation, Attempt, Cohort, Mark
from lms.accounts.models import Membership, Organisation
from tests.courses.assessment_helpers import make_question, make_quiz
from tests.factories import CohortFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWER = "I would plan the ending from my own first sessions"


def staff_trainer(organisation, name):
    user = UserFactory(legal_name=name, is_staff=True)
    user.groups.add(Group.objects.get(name="Trainers"))
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.TRAINER)
    return user


@pytest.fixture
def provider_b(db):
    return OrganisationFactory(
        name="Southside Peer Academy", slug="southside", kind=Organisation.Kind.TRAINING_PROVIDER
    )


@pytest.fixture
def trainer_b(roles, provider_b):
    return staff_trainer(provider_b, "Bea Outsider")


@pytest.fixture
def cohort_a(organisation, trainer, trainee, course, module):
    """Provider A's cohort: its trainer, its trainee, and a written answer waiting to be
    marked on a quiz of its course."""
    cohort = CohortFactory(
        name="Spring cohort A", course=course, trainer=trainer, organisation=organisation
    )
    cohort.learners.add(trainee)
    services.enrol_learner(user=trainee, course=course)
    quiz = make_quiz(module, [make_question("written_response")], slug="written-a")
    attempt = services.start_attempt(user=trainee, quiz=quiz)
    services.save_answer(user=trainee, key=attempt.key, position=0, payload=ANSWER)
    cohort.attempt = services.submit_attempt(user=trainee, key=attempt.key)
    cohort.quiz = quiz
    return cohort


@pytest.fixture
def module(course):
    return course.get_children().first().specific


def form(cohort, **changes):
    data = {
        "name": cohort.name,
        "course": cohort.course_id,
        "trainer": cohort.trainer_id,
        "organisation": cohort.organisation_id,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "learners": [u.pk for u in cohort.learners.all()],
    }
    data.update(changes)
    return data


def refused(response):
    """A denial: not found, forbidden, or Wagtail's redirect to the dashboard."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] == "/admin/"


def test_the_probes_cohort_takeover_is_refused_at_every_step(
    client, cohort_a, trainer_b, provider_b, registrar, trainee
):
    cohort = cohort_a
    written = cohort.attempt.responses.get(needs_marking=True)
    client.force_login(trainer_b)

    # The admin: B's trainer does not see A's cohort, cannot open, edit, copy or delete it.
    listing = client.get(reverse("cohorts:index")).content.decode()
    assert cohort.name not in listing
    for view in ("edit", "history", "usage", "delete", "copy"):
        response = client.get(reverse(f"cohorts:{view}", args=[cohort.pk]))
        assert refused(response), (view, response.status_code)
    takeover = form(cohort, trainer=trainer_b.pk, learners=[trainee.pk, registrar.pk])
    assert refused(client.post(reverse("cohorts:edit", args=[cohort.pk]), takeover))
    cohort.refresh_from_db()
    assert cohort.trainer_id != trainer_b.pk
    assert set(cohort.learners.all()) == {trainee}

    # Nor create a cohort (with themself as trainer) anywhere, their own provider included.
    before = Cohort.objects.count()
    for organisation in (cohort.organisation, provider_b):
        data = form(cohort, name="Taken", trainer=trainer_b.pk, organisation=organisation.pk)
        assert refused(client.post(reverse("cohorts:add"), data))
    assert Cohort.objects.count() == before

    # The teaching pages: no progress, no CSV of emails, no written answer, no mark, no release.
    for url in (
        reverse("teach:cohort", args=[cohort.pk]),
        reverse("teach:cohort_csv", args=[cohort.pk]),
        reverse("teach:mark", args=[written.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert ANSWER not in response.content.decode() and trainee.email not in str(response)
    assert ANSWER not in client.get(reverse("teach:marking")).content.decode()
    marked = client.post(reverse("teach:mark", args=[written.pk]), {"criterion-0": "2"})
    assert marked.status_code == 404 and not Mark.objects.exists()
    assert client.post(reverse("teach:release", args=[cohort.attempt.pk])).status_code == 404
    assert Attempt.objects.get(pk=cohort.attempt.pk).released_at is None

    # Accommodations for A's learner: not listed, not opened, not created.
    accommodation = Accommodation.objects.create(quiz=cohort.quiz, user=trainee, extra_minutes=5)
    assert trainee.email not in client.get(reverse("accommodations:index")).content.decode()
    assert refused(client.get(reverse("accommodations:edit", args=[accommodation.pk])))
    accommodation.delete()
    add = client.post(
        reverse("accommodations:add"),
        {"quiz": cohort.quiz.pk, "user": trainee.pk, "extra_minutes": "60", "extra_attempts": "3"},
    )
    assert add.status_code == 200 and not Accommodation.objects.exists()


def test_a_cohort_already_taken_over_stays_closed(client, cohort_a, trainer_b, trainee):
    """A cohort whose trainer was switched before the fix (straight in the database) still
    refuses a trainer who does not teach for its organisation."""
    Cohort.objects.filter(pk=cohort_a.pk).update(trainer=trainer_b)
    client.force_login(trainer_b)
    assert client.get(reverse("teach:cohort_csv", args=[cohort_a.pk])).status_code == 404
    assert not permissions.attempts_visible_to_marker(trainer_b).exists()
    assert ANSWER not in client.get(reverse("teach:marking")).content.decode()


def test_a_trainer_still_does_their_normal_work(
    client, cohort_a, trainer, trainee, organisation, trainer_b, provider_b
):
    cohort = cohort_a
    written = cohort.attempt.responses.get(needs_marking=True)
    classmate = UserFactory(legal_name="Casey Classmate")
    MembershipFactory(user=classmate, organisation=organisation, role=Membership.Role.TRAINEE)
    outsider = UserFactory(legal_name="Olly Outside")
    MembershipFactory(user=outsider, organisation=provider_b, role=Membership.Role.TRAINEE)
    client.force_login(trainer)

    assert cohort.name in client.get(reverse("cohorts:index")).content.decode()
    page = client.get(reverse("cohorts:edit", args=[cohort.pk])).content.decode()
    assert classmate.email in page or "Casey Classmate" in page
    assert "Olly Outside" not in page and "Bea Outsider" not in page
    # Rename and add a trainee of the same provider: saved.
    response = client.post(
        reverse("cohorts:edit", args=[cohort.pk]),
        form(cohort, name="Spring cohort A (renamed)", learners=[trainee.pk, classmate.pk]),
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Spring cohort A (renamed)"
    assert set(cohort.learners.all()) == {trainee, classmate}
    # A trainee of another provider is refused at the field; the trainer field is not theirs.
    response = client.post(
        reverse("cohorts:edit", args=[cohort.pk]),
        form(cohort, learners=[trainee.pk, outsider.pk], trainer=trainer_b.pk),
    )
    assert response.status_code == 200
    cohort.refresh_from_db()
    assert outsider not in cohort.learners.all() and cohort.trainer == trainer

    # Progress, CSV, marking, release, accommodations.
    csv = client.get(reverse("teach:cohort_csv", args=[cohort.pk]))
    assert csv.status_code == 200 and trainee.email in csv.content.decode()
    assert (
        reverse("teach:mark", args=[written.pk])
        in client.get(reverse("teach:marking")).content.decode()
    )
    assert client.get(reverse("teach:mark", args=[written.pk])).status_code == 200
    client.post(
        reverse("teach:mark", args=[written.pk]),
        {"criterion-0": "2", "criterion-1": "2", "feedback": "Secure."},
    )
    assert Mark.objects.filter(response=written).exists()
    client.post(reverse("teach:release", args=[cohort.attempt.pk]))
    assert Attempt.objects.get(pk=cohort.attempt.pk).released_at is not None
    add = client.post(
        reverse("accommodations:add"),
        {"quiz": cohort.quiz.pk, "user": trainee.pk, "extra_minutes": "30", "extra_attempts": "0"},
    )
    assert add.status_code == 302
    assert Accommodation.objects.filter(user=trainee, quiz=cohort.quiz).exists()


def test_registrars_and_organisation_admins_choose_the_trainer(
    client, cohort_a, trainer, trainee, organisation, trainer_b, registrar
):
    """The registrar sets up a cohort and picks its trainer among the provider's trainers; a
    trainer of another provider, or an account outside it as learner, is refused."""
    colleague = staff_trainer(organisation, "Cal Colleague")
    client.force_login(registrar)
    data = form(cohort_a, name="Autumn cohort A", trainer=colleague.pk, learners=[trainee.pk])
    assert client.post(reverse("cohorts:add"), data).status_code == 302
    created = Cohort.objects.get(name="Autumn cohort A")
    assert created.trainer == colleague and created.organisation == organisation
    wrong = form(cohort_a, name="Wrong", trainer=trainer_b.pk, learners=[registrar.pk])
    response = client.post(reverse("cohorts:add"), wrong)
    assert response.status_code == 200 and not Cohort.objects.filter(name="Wrong").exists()

    # An organisation admin of A (with admin access) may hand A's cohort to a colleague...
    head = staff_trainer(organisation, "Hana Head")
    MembershipFactory(user=head, organisation=organisation, role=Membership.Role.ORG_ADMIN)
    client.force_login(head)
    response = client.post(
        reverse("cohorts:edit", args=[cohort_a.pk]), form(cohort_a, trainer=colleague.pk)
    )
    assert response.status_code == 302
    cohort_a.refresh_from_db()
    assert cohort_a.trainer == colleague
    # ...but not to themself, nor to a trainer of another provider.
    for person in (head, trainer_b):
        response = client.post(
            reverse("cohorts:edit", args=[cohort_a.pk]), form(cohort_a, trainer=person.pk)
        )
        assert response.status_code == 200
        cohort_a.refresh_from_db()
        assert cohort_a.trainer == colleague


def test_the_trainer_filter_and_pickers_list_only_the_trainers_own_organisations(
    client, cohort_a, trainer, trainer_b, provider_b
):
    CohortFactory(
        name="Cohort B",
        trainer=trainer_b,
        organisation=provider_b,
        end_date=timezone.localdate() + timedelta(days=5),
    )
    client.force_login(trainer)
    listing = client.get(reverse("cohorts:index")).content.decode()
    assert "Cohort B" not in listing and "Bea Outsider" not in listing
    assert list(permissions.organisations_for_cohorts(trainer)) == [cohort_a.organisation]
    assert not permissions.trainers_assignable_by(trainer).exists()
    assert not permissions.organisations_assigning_trainers(trainer).exists()


def test_synced_groups_hold_the_intended_cohort_permissions(roles):
    """sync_roles: trainers change and view cohorts (scoped to their organisations) but never
    add one; registrars add, change and view them; nobody but the superuser deletes one."""

    def cohort_codes(name):
        group = Group.objects.get(name=name)
        return set(
            group.permissions.filter(codename__endswith="_cohort").values_list(
                "codename", flat=True
            )
        )

    assert cohort_codes("Trainers") == {"change_cohort", "view_cohort"}
    assert cohort_codes("Registrars") == {"add_cohort", "change_cohort", "view_cohort"}


def test_an_organisation_admin_of_a_provider_sets_up_its_cohorts_without_a_staff_group(
    client, cohort_a, organisation, trainer, trainee, trainer_b, provider_b
):
    """An organisation admin has no staff group and no is_staff: the membership alone opens
    the cohort admin (lms.accounts.backends), for their own provider's cohorts only."""
    CohortFactory(name="Cohort B", trainer=trainer_b, organisation=provider_b)
    head = UserFactory(legal_name="Hana Head")
    MembershipFactory(user=head, organisation=organisation, role=Membership.Role.ORG_ADMIN)
    assert not head.groups.exists() and not head.is_staff
    client.force_login(head)
    home = client.get(reverse("accounts:organisation", args=[organisation.slug]))
    assert reverse("cohorts:index") in home.content.decode()  # found from their own page

    listing = client.get(reverse("cohorts:index"))
    assert listing.status_code == 200
    assert cohort_a.name in listing.content.decode()
    assert "Cohort B" not in listing.content.decode()
    page = client.get(reverse("cohorts:add")).content.decode()
    assert trainer.legal_name in page and "Bea Outsider" not in page

    data = form(cohort_a, name="Summer cohort A", trainer=trainer.pk, learners=[trainee.pk])
    assert client.post(reverse("cohorts:add"), data).status_code == 302
    created = Cohort.objects.get(name="Summer cohort A")
    assert (created.trainer, created.organisation) == (trainer, organisation)
    assert list(created.learners.all()) == [trainee]

    # Not for another provider, not with its trainer, and never a delete.
    other = form(cohort_a, name="Theirs", trainer=trainer_b.pk, organisation=provider_b.pk)
    assert client.post(reverse("cohorts:add"), other).status_code == 200
    assert not Cohort.objects.filter(name="Theirs").exists()
    assert refused(client.get(reverse("cohorts:delete", args=[cohort_a.pk])))


def test_an_organisation_admin_of_an_employer_gets_no_admin(client, trainee):
    """The role's permissions belong to training providers: an employer's organisation
    admin (members and invitations on the site) is sent to sign in at the admin's door."""
    employer = OrganisationFactory(name="Riverside", kind=Organisation.Kind.EMPLOYER)
    head = UserFactory(legal_name="Erin Employer")
    MembershipFactory(user=head, organisation=employer, role=Membership.Role.ORG_ADMIN)
    client.force_login(head)
    response = client.get(reverse("cohorts:index"))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not head.has_perm("wagtailadmin.access_admin")
