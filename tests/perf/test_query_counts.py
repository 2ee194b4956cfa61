"""No N+1 on the main pages: each page is requested with 2 and then 20 of the things it lists
(pages, courses, lessons, questions, enrolments, practicum entries, cohorts and their members,
shared certificates), and the number of SQL queries must be the same. Counts are taken on a
second request, as in a running server (site root, navigation and settings caches warm).
Anonymous pages are measured with the whole-page cache off, so the rendering itself is counted
(the cache's own promise, no query on a hit, is tested in tests/cms/test_page_cache.py).

Run with `-s` to print the table of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.organisations import services as organisation_services
from certification.practicum.services import practicum as practicum_services
from certification.standards.models import Credential
from courses import services
from tests.certification.org_helpers import employer, issued_certificate, member
from tests.courses.assessment_helpers import make_question, make_quiz
from tests.factories import (
    CohortFactory,
    CourseIndexPageFactory,
    ModulePageFactory,
    StandardPageFactory,
    UserFactory,
    build_course,
    build_practicum,
    log_entry,
)

pytestmark = pytest.mark.django_db

SIZES = (2, 20)


@pytest.fixture(autouse=True)
def measure_rendering(settings, site):
    # `site`: the page tree (a test elsewhere on the same worker may have flushed the
    # database, migration-made root page and all).
    settings.PEERPATH_ANONYMOUS_CACHE_SECONDS = 0
    settings.PEERPATH_VERIFY_RATE_LIMIT = 0


def count(client, url, *, status=200) -> int:
    client.get(url)  # warm, as in a running server
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return len(captured)


def flat(name: str, counts: dict[int, int]) -> None:
    """Print the counts for the table; fail if they grow with the data."""
    sizes = "  ".join(f"{n:>2} items: {q:>2} queries" for n, q in counts.items())
    print(f"\nQUERIES {name:<40} {sizes}")
    assert len(set(counts.values())) == 1, f"{name} grows with the data: {counts}"


def grow(sizes, add):
    """Call add(i) until there are `size` items, for each size in turn; yield each size."""
    made = 0
    for size in sizes:
        while made < size:
            add(made)
            made += 1
        yield size


def test_site_pages(client, site):
    from cms.models import SupportContact, SupportSettings

    support = SupportSettings.for_site(site.get_site())
    counts = {"home": {}, "standard page": {}, "support": {}}

    def add(i):
        StandardPageFactory(parent=site, title=f"Page {i}", slug=f"page-{i}")
        SupportContact.objects.create(settings=support, region="UK", name=f"Line {i}")

    for size in grow(SIZES, add):
        counts["home"][size] = count(client, "/")
        counts["standard page"][size] = count(client, "/page-1/")
        counts["support"][size] = count(client, reverse("support"))
    for name, values in counts.items():
        flat(f"{name} (anonymous)", values)


def test_catalogue_and_dashboard(client, site, trainee):
    catalogue = CourseIndexPageFactory(parent=site, title="Courses")
    courses = []

    def add(i):
        course, lessons = build_course(
            parent=catalogue, title=f"Course {i}", modules=1, lessons_per_module=2
        )
        services.enrol_learner(user=trainee, course=course)
        services.complete_lesson(user=trainee, lesson=lessons[0])
        courses.append(course)

    anonymous, signed_in, dashboard = {}, {}, {}
    for size in grow(SIZES, add):
        client.logout()
        anonymous[size] = count(client, catalogue.url)
        client.force_login(trainee)
        signed_in[size] = count(client, catalogue.url)
        dashboard[size] = count(client, reverse("learn:dashboard"))
    flat("catalogue (anonymous)", anonymous)
    flat("catalogue (trainee)", signed_in)
    flat("dashboard (trainee, enrolments)", dashboard)


def test_course_module_and_lesson_pages(client, site, trainee):
    catalogue = CourseIndexPageFactory(parent=site, title="Courses")
    course, first = build_course(parent=catalogue, title="Growing", modules=1, lessons_per_module=1)
    module = first[0].get_parent()
    services.enrol_learner(user=trainee, course=course)
    services.complete_lesson(user=trainee, lesson=first[0])
    from tests.factories import LessonPageFactory

    def add(i):
        if i:  # the first lesson exists already
            LessonPageFactory(parent=module, title=f"Lesson {i}")

    anonymous, pages = {}, {"course": {}, "module": {}, "lesson": {}}
    for size in grow(SIZES, add):
        client.logout()
        anonymous[size] = count(client, course.url)
        client.force_login(trainee)
        pages["course"][size] = count(client, course.url)
        pages["module"][size] = count(client, module.url)
        pages["lesson"][size] = count(client, first[0].url)
    flat("course page (anonymous, lessons)", anonymous)
    for name, values in pages.items():
        flat(f"{name} page (trainee, lessons)", values)


def test_quiz_and_attempt_pages(client, site, trainee):
    catalogue = CourseIndexPageFactory(parent=site, title="Courses")
    course, _lessons = build_course(parent=catalogue, title="Quizzed", modules=1)
    services.enrol_learner(user=trainee, course=course)
    client.force_login(trainee)
    quiz_pages, attempts = {}, {}
    for size in SIZES:
        module = ModulePageFactory(parent=course, title=f"Quiz module {size}")
        questions = [
            make_question(kind)
            for kind in ("single_choice", "true_false", "multiple_response", "written_response")
            * (size // 2)
        ][:size]
        quiz = make_quiz(module, questions, slug=f"quiz-{size}", attempts_allowed=0)
        quiz_pages[size] = count(client, quiz.url)
        attempt = services.start_attempt(user=trainee, quiz=quiz)
        attempts[size] = count(client, reverse("learn:attempt", args=[attempt.key]))
    flat("quiz page (trainee, questions)", quiz_pages)
    flat("attempt page (trainee, questions)", attempts)


def test_practicum_pages(client):
    practicum = build_practicum()
    placement = practicum.placement
    entries = []

    def add(i):
        entries.append(log_entry(placement, days_ago=i + 1))

    home, own, supervise, supervisor_home = {}, {}, {}, {}
    for size in grow(SIZES, add):
        practicum_services.submit_entries(
            trainee=practicum.trainee, entry_ids=[e.pk for e in entries[size // 2 :]]
        )
        client.force_login(practicum.trainee)
        home[size] = count(client, reverse("practicum:home"))
        own[size] = count(client, reverse("practicum:placement", args=[placement.pk]))
        client.force_login(practicum.supervisor)
        supervisor_home[size] = count(client, reverse("practicum:home"))
        supervise[size] = count(client, reverse("practicum:supervise", args=[placement.pk]))
    flat("practicum home (trainee, entries)", home)
    flat("placement (trainee, entries)", own)
    flat("practicum home (supervisor, entries)", supervisor_home)
    flat("supervise placement (entries)", supervise)


def test_organisation_pages(client):
    riverside = employer()
    verifier = member(riverside, "verifier")
    certificates = []

    def add(i):
        certificate = issued_certificate(f"Holder Number {i}")
        organisation_services.share_certificate(
            holder=certificate.trainee, certificate_id=certificate.pk, organisation_id=riverside.pk
        )
        certificates.append(certificate)

    watch, roster, orgs, verify_page, verify_json = {}, {}, {}, {}, {}
    for size in grow(SIZES, add):
        client.force_login(verifier)
        watch[size] = count(client, reverse("organisations:watch", args=[riverside.slug]))
        roster[size] = count(client, reverse("organisations:roster", args=[riverside.slug]))
        # One organisation: the list sends its member straight to it.
        orgs[size] = count(client, reverse("organisations:list"), status=302)
        client.logout()
        code = certificates[-1].verification_code
        verify_page[size] = count(client, reverse("verify:certificate", args=[code]))
        verify_json[size] = count(client, reverse("verify:certificate_json", args=[code]))
    flat("watch list (verifier, shared certificates)", watch)
    flat("roster check form (verifier)", roster)
    flat("organisations (verifier)", orgs)
    flat("verify page (anonymous, warm)", verify_page)
    flat("verify JSON (anonymous, warm)", verify_json)
    assert verify_page[SIZES[-1]] == 0
    assert verify_json[SIZES[-1]] == 0


def test_credential_pages(client, trainee):
    from tests.certification.credential_helpers import make_course, make_credential

    courses = []

    def add(i):
        courses.append(make_course(f"course-{i}", lessons=1, quiz=False)[0].slug)

    checklist, credentials = {}, {}
    for size in grow(SIZES, add):
        code = f"cred-{size}"
        # One credential at a time, asking for every course so far (the number of
        # credentials is a separate question: see the next test).
        Credential.objects.update(retired=True)
        make_credential(code=code, courses=list(courses))
        client.force_login(trainee)
        checklist[size] = count(client, reverse("credentials:detail", args=[code]))
        credentials[size] = count(client, reverse("credentials:list"))
    flat("credential checklist (trainee, courses)", checklist)
    flat("credentials (trainee, courses)", credentials)


def test_credential_list_does_not_grow_with_credentials(client, trainee):
    from tests.certification.credential_helpers import make_credential

    counts = {}
    for size in grow(SIZES, lambda i: make_credential(code=f"many-{i}")):
        client.force_login(trainee)
        counts[size] = count(client, reverse("credentials:list"))
    flat("credentials (trainee, credentials)", counts)


def test_teaching_pages(client, trainer, site):
    catalogue = CourseIndexPageFactory(parent=site, title="Courses")
    course, lessons = build_course(parent=catalogue, title="Taught", modules=1)
    cohort = CohortFactory(course=course, trainer=trainer, name="Growing cohort")

    def add(i):
        learner = UserFactory(legal_name=f"Learner {i}")
        cohort.learners.add(learner)
        CohortFactory(course=course, trainer=trainer, name=f"Cohort {i}")
        services.enrol_learner(user=learner, course=course, cohort=cohort)
        services.complete_lesson(user=learner, lesson=lessons[0])

    cohorts, progress, marking = {}, {}, {}
    client.force_login(trainer)
    for size in grow(SIZES, add):
        cohorts[size] = count(client, reverse("teach:cohorts"))
        progress[size] = count(client, reverse("teach:cohort", args=[cohort.pk]))
        marking[size] = count(client, reverse("teach:marking"))
    flat("cohorts (trainer, cohorts)", cohorts)
    flat("cohort progress (trainer, learners)", progress)
    flat("marking queue (trainer)", marking)


# The pages of live sessions, training hours, boards and packets. Already counted in their
# own tests: the trainer's session list and unsigned register (tests/certification/live),
# the training-hours page with outside training and course lines (test_hours.py), the
# registrar's cohort readiness (test_boards.py) and the packet build page (tests/packets).


@pytest.fixture
def provider(roles, site):
    from certification.boards.services.loading import load_boards
    from certification.credentials.services.loading import load_frameworks
    from lms.accounts.models import Organisation
    from tests.factories import OrganisationFactory

    load_frameworks()  # the domains outside training and sessions count hours in
    load_boards()
    return OrganisationFactory(
        name="Northside Recovery College", kind=Organisation.Kind.TRAINING_PROVIDER
    )


def test_live_sessions_hours_and_readiness_of_a_learner(client, provider, registrar):
    """The learner's sessions (upcoming, missed with their make-ups, attended), their
    training hours and their board readiness, as live sessions and outside training grow."""
    from certification.boards.services import targets as target_services
    from certification.hours import services as hours_services
    from certification.live.services import attendance
    from tests.certification.live.helpers import (
        cohort_with,
        first_module,
        schedule,
        trainer_of,
    )
    from tests.certification.test_hours import record

    teacher = trainer_of(provider)
    cohort = cohort_with(provider, teacher, learners=1)
    learner = cohort.learners.get()
    module = first_module(cohort.course)
    target_services.aim(trainee=learner, code="icrc-pr")

    def add(i):
        # Upcoming, with a place left: a make-up option (its places are counted).
        schedule(teacher, cohort, days=i + 1, module=module, capacity=5)
        # Every other one missed: those deliver the module (so the upcoming ones make them
        # up); the others, attended, are whole-course sessions (a module attended once is
        # not missed again at a repeat).
        past = schedule(teacher, cohort, days=-(i + 1), module=module if i % 2 else None)
        status = "absent" if i % 2 else "present"
        attendance.sign_register(
            trainer=teacher, session_id=past.pk, rows={learner.pk: (status, None, "")}
        )
        hours_services.verify_outside_training(registrar=registrar, record_id=record(learner).pk)

    pages = {"live sessions": {}, "training hours": {}, "board readiness": {}}
    for size in grow(SIZES, add):
        client.force_login(learner)
        pages["live sessions"][size] = count(client, reverse("live:mine"))
        pages["training hours"][size] = count(client, reverse("hours:home"))
        pages["board readiness"][size] = count(client, reverse("boards:detail", args=["icrc-pr"]))
    page = client.get(reverse("live:mine")).content.decode()
    assert "You can make it up at one of these" in page
    for name, values in pages.items():
        flat(f"{name} (trainee, sessions and hours)", values)


def test_signed_register_grows_with_attendees(client, provider):
    """The trainer's register once signed: one row per learner, however many."""
    from certification.live.services import attendance
    from tests.certification.live.helpers import cohort_with, learner_of, schedule, trainer_of

    teacher = trainer_of(provider)
    cohort = cohort_with(provider, teacher, learners=0)

    counts = {}
    for size in grow(SIZES, lambda i: learner_of(provider, cohort, f"Learner {i:02d}")):
        session = schedule(teacher, cohort, days=-size)
        attendance.sign_register(
            trainer=teacher,
            session_id=session.pk,
            rows=dict.fromkeys(cohort.learners.values_list("pk", flat=True), ("present", None, "")),
        )
        client.force_login(teacher)
        counts[size] = count(client, reverse("live:register", args=[session.pk]))
    flat("signed register (trainer, attendees)", counts)


def test_outside_training_queue(client, registrar):
    """The registrar's queue of outside training waiting, one row per record."""
    from certification.credentials.services.loading import load_frameworks
    from tests.certification.test_hours import record

    load_frameworks()
    counts = {}
    for size in grow(SIZES, lambda i: record(UserFactory(legal_name=f"Person {i}"))):
        client.force_login(registrar)
        counts[size] = count(client, reverse("hours:queue"))
    flat("outside training queue (registrar, records)", counts)


def test_packet_pages(client, site):
    """A packet's own page and its public page, as the records it holds grow (practicum
    entries, verified outside training)."""
    from certification.credentials.services import credentials as credential_services
    from certification.credentials.services.loading import load_frameworks
    from certification.hours import services as hours_services
    from certification.packets.models import Section
    from certification.packets.services import packets as packet_services
    from tests.certification.credential_helpers import (
        approved_minutes,
        make_credential,
        placement_for,
    )
    from tests.certification.test_hours import record

    load_frameworks()
    make_credential()
    holder = UserFactory(legal_name="Jordan Ellis")
    registrar = UserFactory(legal_name="Rita Registrar", is_superuser=True)
    placement, supervisor = placement_for(holder)
    credential_services.attest(trainee=holder, code="code_of_ethics")

    def add(i):
        approved_minutes(placement, supervisor, 60, day=i + 1)
        hours_services.verify_outside_training(registrar=registrar, record_id=record(holder).pk)

    own, public, build = {}, {}, {}
    for size in grow(SIZES, add):
        packet = packet_services.make_packet(trainee=holder, sections=Section.values, draft=True)
        assert len(packet.content["practicum"][0]["entries"]) == size
        client.force_login(holder)
        own[size] = count(client, reverse("packets:detail", args=[packet.pk]))
        build[size] = count(client, reverse("packets:build"))
        client.logout()
        public[size] = count(client, f"/verify/{packet.verification_code}/")
    flat("packet (trainee, records)", own)
    flat("packet build (trainee, records)", build)
    flat("packet verify page (anonymous, records)", public)
