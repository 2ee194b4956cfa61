"""Live sessions through their pages and services: scheduling and its refusals, the signed
register (30 learners, one request, fixed queries), check-in codes, hours by the credit
rule, make-ups, calendars and the private feed, reminders through the outbox, and provider
scoping."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from certification.live.models import Attendance, CheckIn, LiveSession, SignedRegister
from certification.live.services import attendance, calendar, credit, reminders, upcoming
from courses import services as course_services
from courses.models import Enrolment
from lms import hours
from lms.accounts.models import Organisation
from lms.audit.models import AuditEvent, OutboxMessage
from tests.factories import OrganisationFactory
from tests.factories.accounts import PASSWORD

from .helpers import (
    DOMAIN,
    cohort_with,
    first_module,
    icrc_domains,
    learner_of,
    schedule,
    started_ago,
    trainer_of,
    when,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(roles):
    icrc_domains()
    return OrganisationFactory(
        name="Northside Recovery College",
        slug="northside",
        kind=Organisation.Kind.TRAINING_PROVIDER,
    )


@pytest.fixture
def teacher(provider):
    return trainer_of(provider)


@pytest.fixture
def cohort(site, provider, teacher):
    return cohort_with(provider, teacher, learners=3)


def form_data(cohort, **extra):
    date, start = when(3, 10)
    data = {
        "title": "Boundaries in practice",
        "cohort": cohort.pk,
        "delivers": f"course:{cohort.course_id}",
        "date": date.isoformat(),
        "start_time": "10:00",
        "minutes": 120,
        "mode": "in_person",
        "place": "Room 2",
        "hours_by_domain": f"{DOMAIN}: 1.5\nicrc-pr/mentoring: 0.5",
        "capacity": 20,
    }
    data.update(extra)
    return data


# --- Scheduling ---------------------------------------------------------------------------


def test_a_trainer_schedules_a_session_for_their_cohort(client, cohort, teacher):
    """The form schedules the session with its hours by domain, audited."""
    client.force_login(teacher)
    response = client.post(reverse("live:schedule"), form_data(cohort))
    assert response.status_code == 302, response.context["form"].errors
    session = LiveSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("live:register", args=[session.pk])
    assert session.hours_by_domain == {DOMAIN: "1.50", "icrc-pr/mentoring": "0.50"}
    assert session.ends_at - session.starts_at == timedelta(minutes=120)
    assert session.organisation_id == cohort.organisation_id
    assert AuditEvent.objects.filter(action="live.session_scheduled").count() == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"hours_by_domain": "icrc-pr/nonsense: 1"}, "hours_by_domain", "No such domain"),
        ({"hours_by_domain": f"{DOMAIN}: 3"}, "hours_by_domain", "more than the session"),
        ({"hours_by_domain": "ethics one hour"}, "hours_by_domain", "one domain a line"),
        ({"mode": "in_person", "place": ""}, "place", "Say where"),
        ({"mode": "live_online", "meeting_link": ""}, "meeting_link", "meeting link"),
        ({"minutes": 0}, "minutes", ""),
        # The cohort has three learners.
        ({"capacity": 2}, "capacity", "3 learners would be invited and the session holds 2"),
    ],
)
def test_scheduling_refusals_are_shown_at_their_field(
    client, cohort, teacher, change, field, message
):
    client.force_login(teacher)
    response = client.post(reverse("live:schedule"), form_data(cohort, **change))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not LiveSession.objects.exists()
    assert "Boundaries in practice" in response.content.decode()  # what was typed is kept


def test_overlapping_sessions_are_refused_for_the_trainer_and_the_cohort(
    client, site, provider, cohort, teacher
):
    """An overlap for the same trainer (another cohort) or the same cohort (another
    trainer) is refused at the start time, with nothing saved."""
    client.force_login(teacher)
    assert client.post(reverse("live:schedule"), form_data(cohort)).status_code == 302
    other = cohort_with(provider, teacher, learners=1, course=cohort.course, name="Autumn")
    clash = form_data(other, start_time="11:00")
    response = client.post(reverse("live:schedule"), clash)
    assert response.status_code == 400
    assert "You are teaching" in response.context["form"].errors["start_time"][0]

    colleague = trainer_of(provider, "Sam Colleague")
    cohort.trainer = colleague  # the cohort changed hands; its sessions stay
    cohort.save()
    client.force_login(colleague)
    response = client.post(reverse("live:schedule"), form_data(cohort, start_time="11:30"))
    assert response.status_code == 400
    assert "This cohort already has" in response.context["form"].errors["start_time"][0]
    assert LiveSession.objects.count() == 1
    # Back to back is not an overlap.
    assert (
        client.post(reverse("live:schedule"), form_data(cohort, start_time="12:00")).status_code
        == 302
    )


def test_a_trainer_of_another_provider_reaches_nothing(client, site, cohort, teacher):
    """Provider B's trainer cannot schedule for provider A's cohort, nor open its register,
    code, make-up or correction pages."""
    session = schedule(teacher, cohort)
    outsider_org = OrganisationFactory(
        name="Southside", slug="southside", kind=Organisation.Kind.TRAINING_PROVIDER
    )
    outsider = trainer_of(outsider_org, "Bea Outsider")
    cohort_with(outsider_org, outsider, learners=1, course=cohort.course, name="Southside")
    client.force_login(outsider)
    response = client.post(reverse("live:schedule"), form_data(cohort))
    assert response.status_code == 400
    assert LiveSession.objects.count() == 1
    for name in ("live:register", "live:code", "live:makeup"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404
    listing = client.get(reverse("live:teach")).content.decode()
    assert session.title not in listing


# --- The register -------------------------------------------------------------------------


def _register_post(session, learners, status="present", **per_learner):
    data = {"password": PASSWORD}
    for person in learners:
        data[f"status-{person.pk}"] = status
    data.update(per_learner)
    return data


def _sign(client, session, data):
    return client.post(reverse("live:register", args=[session.pk]), data)


def test_a_register_is_signed_in_one_request_with_a_fixed_number_of_queries(
    client, site, provider, teacher
):
    """Thirty learners or five: the same queries, one signature, every record locked."""
    counts = []
    for size in (2, 5, 30):
        cohort = cohort_with(provider, teacher, learners=size, name=f"Cohort of {size}")
        session = started_ago(schedule(teacher, cohort), 10 + size)
        learners = list(cohort.learners.all())
        client.force_login(teacher)
        data = _register_post(session, learners)
        # The trainer has the register open first (twice: the first request makes the
        # site's settings rows, a new version of what each process keeps).
        for _ in range(2):
            client.get(reverse("live:register", args=[session.pk]))
        with CaptureQueriesContext(connection) as queries:
            response = _sign(client, session, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Attendance.objects.filter(session=session).count() == size
        assert SignedRegister.objects.filter(session=session).exists()
        counts.append(len(queries))
    # The first signature in a process also looks up content types for the audit trail;
    # after it, 5 learners and 30 cost the same.
    assert counts[1] == counts[2], counts
    assert counts[2] <= 26, counts  # one bulk insert for the rows, whatever their number


def test_register_refusals_change_nothing(client, site, provider, cohort, teacher):
    """Minutes over the session's length or missing for 'late', and someone not enrolled:
    each at its field; then, once signed, any edit is refused (409)."""
    session = started_ago(schedule(teacher, cohort), 10)
    learners = list(cohort.learners.order_by("pk"))
    client.force_login(teacher)
    data = _register_post(session, learners)
    data[f"status-{learners[0].pk}"] = "left_early"
    data[f"minutes-{learners[0].pk}"] = 500
    data[f"status-{learners[1].pk}"] = "late"
    response = _sign(client, session, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "More than the session's length" in errors[f"minutes-{learners[0].pk}"][0]
    assert "Give the minutes" in errors[f"minutes-{learners[1].pk}"][0]
    assert not Attendance.objects.exists() and not SignedRegister.objects.exists()

    # A learner of another cohort is no row of this form: the service refuses them too.
    stranger = learner_of(provider, cohort_with(provider, teacher, learners=0, name="Other"), "X")
    with pytest.raises(attendance.LiveError, match="not enrolled"):
        attendance.sign_register(
            trainer=teacher, session_id=session.pk, rows={stranger.pk: ("present", None, "")}
        )
    assert not Attendance.objects.exists()

    assert _sign(client, session, _register_post(session, learners)).status_code == 302
    before = list(Attendance.objects.values_list("pk", "status", "minutes_present"))
    again = _register_post(session, learners, status="absent")
    response = _sign(client, session, again)
    assert response.status_code == 409
    assert "signed and locked" in response.content.decode()
    assert list(Attendance.objects.values_list("pk", "status", "minutes_present")) == before


def test_signing_needs_the_password(client, site, cohort, teacher, settings):
    """Past the re-authentication window, a wrong password signs nothing."""
    settings.PEERPATH_REAUTH_SECONDS = -1
    session = started_ago(schedule(teacher, cohort), 10)
    client.force_login(teacher)
    data = _register_post(session, cohort.learners.all())
    data["password"] = "wrong"
    response = _sign(client, session, data)
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert not Attendance.objects.exists()


def test_a_correction_is_a_new_signed_record(client, site, cohort, teacher):
    session = started_ago(schedule(teacher, cohort), 10)
    learner = cohort.learners.first()
    client.force_login(teacher)
    assert _sign(client, session, _register_post(session, cohort.learners.all())).status_code == 302
    old = Attendance.objects.get(learner=learner)
    url = reverse("live:correct", args=[session.pk, old.pk])
    response = client.post(
        url, {"status": "left_early", "minutes_present": 130, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "More than the session's length" in response.context["form"].errors["minutes_present"][0]
    response = client.post(
        url, {"status": "left_early", "minutes_present": 70, "password": PASSWORD}
    )
    assert response.status_code == 302
    new = Attendance.objects.current().get(learner=learner)
    assert new.corrects_id == old.pk and new.credited_minutes == 60
    old.refresh_from_db()
    assert (old.status, old.minutes_present) == ("present", 120)  # kept as it was signed
    assert client.get(url).status_code == 404  # a replaced record cannot be corrected again


@pytest.mark.parametrize("size", [2, 12])
def test_session_list_and_register_pages_have_flat_query_counts(
    client, site, provider, teacher, size
):
    cohort = cohort_with(provider, teacher, learners=size)
    sessions = [schedule(teacher, cohort, days=d) for d in range(1, size + 1)]
    past = started_ago(sessions[-1], 10)
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as listing:
        assert client.get(reverse("live:teach")).status_code == 200
    with CaptureQueriesContext(connection) as register:
        assert client.get(reverse("live:register", args=[past.pk])).status_code == 200
    counts = (len(listing), len(register))
    QUERY_COUNTS.setdefault("pages", set()).add(counts)
    assert len(QUERY_COUNTS["pages"]) == 1, QUERY_COUNTS["pages"]


QUERY_COUNTS: dict = {}


# --- Check-in codes -----------------------------------------------------------------------


def test_check_in_code_window_and_reuse(client, site, cohort, teacher):
    """The current code (or the one just before) checks a learner in while check-in is
    open; an older code, a session not yet open, or a device that already checked in
    another person are refused with nothing recorded. The trainer confirms in the register."""
    session = started_ago(schedule(teacher, cohort), 10)
    first, second, third = cohort.learners.order_by("pk")
    now = timezone.now()
    code, _seconds = attendance.current_code(session, now)
    url = reverse("live:session", args=[session.pk])

    client.force_login(first)
    stale = attendance.code_for(session, attendance.window_at(now) - 2)
    response = client.post(url, {"code": stale})
    assert response.status_code == 400
    assert "not the current one" in response.context["form"].errors["code"][0]
    assert client.post(url, {"code": code.lower()}).status_code == 302
    assert CheckIn.objects.filter(learner=first).exists()

    # The same phone, someone else signed in: refused (one device, one person).
    device = client.cookies["peerpath_live_device"].value
    client.force_login(second)
    client.cookies["peerpath_live_device"] = device
    response = client.post(url, {"code": code})
    assert response.status_code == 400
    assert "another person" in response.context["form"].errors["code"][0]
    assert not CheckIn.objects.filter(learner=second).exists()

    # Outside the window: a session tomorrow is not open for check-in.
    later = schedule(teacher, cohort, days=2)
    later_code, _ = attendance.current_code(later)
    with pytest.raises(attendance.LiveError, match="open from"):
        attendance.check_in(
            learner=third, session_id=later.pk, code=later_code, device_token="phone-3"
        )

    # The register starts checked-in learners as present, and records the check-in.
    client.force_login(teacher)
    page = client.get(reverse("live:register", args=[session.pk]))
    assert page.context["form"][f"status-{first.pk}"].initial == "present"
    data = _register_post(session, [first, second, third])
    assert _sign(client, session, data).status_code == 302
    assert Attendance.objects.get(learner=first).checked_in
    assert not Attendance.objects.get(learner=second).checked_in
    # After signing, check-in is closed.
    with pytest.raises(attendance.LiveError, match="signed"):
        attendance.check_in(learner=third, session_id=session.pk, code=code, device_token="p3")


# --- Hours, completion and make-ups -------------------------------------------------------


@pytest.mark.parametrize(
    "minutes_present, credited",
    [(120, 120), (100, 90), (74, 60), (60, 60), (59, 0), (0, 0)],
)
def test_hours_are_credited_by_the_stated_rule(minutes_present, credited):
    """Minutes present, rounded down to the quarter hour; nothing under half the session."""
    assert credit.credited_minutes(minutes_present=minutes_present, session_minutes=120) == credited


def test_the_ledger_counts_signed_attendance_only(client, site, cohort, teacher):
    session = started_ago(schedule(teacher, cohort, hours_by_domain={DOMAIN: "2"}), 10)
    full, partial, absent = cohort.learners.order_by("pk")
    assert hours.lines_for([full.pk])[full.pk] == []  # nothing before signing
    attendance.sign_register(
        trainer=teacher,
        session_id=session.pk,
        rows={
            full.pk: ("present", None, ""),
            partial.pk: ("left_early", 80, ""),
            absent.pk: ("absent", None, ""),
        },
    )
    lines = hours.lines_for([full.pk, partial.pk, absent.pk])
    (line,) = [x for x in lines[full.pk] if x.source == "session"]
    assert line.key.startswith("attendance:") and line.delivery == "in_person"
    assert line.total == Decimal("2.00") == line.face_to_face
    assert hours.sum_by_domain(lines[partial.pk]) == {DOMAIN: Decimal("1.25")}  # 75 of 120
    assert [x for x in lines[absent.pk] if x.source == "session"] == []
    client.force_login(partial)
    page = client.get(reverse("live:mine")).content.decode()
    assert "rounded down to the nearest 15 minutes" in page


def test_a_missed_required_session_blocks_completion_until_made_up(
    client, site, cohort, teacher, django_capture_on_commit_callbacks
):
    module = first_module(cohort.course)
    missed = started_ago(schedule(teacher, cohort, module=module, required=True), 200)
    attendance.sign_register(
        trainer=teacher,
        session_id=missed.pk,
        rows={p.pk: ("absent", None, "") for p in cohort.learners.all()},
    )
    learner = cohort.learners.order_by("pk").first()
    blockers = hours.completion_blockers(learner.pk, cohort.course_id)
    assert blockers == ["Attend 'Boundaries in practice' (live, 2.00 h)"]

    makeup_session = schedule(teacher, cohort, days=1, module=module, title="Boundaries again")
    client.force_login(learner)
    page = client.get(reverse("live:mine")).content.decode()
    assert "You can make it up at" in page and "Boundaries again" in page

    started_ago(makeup_session, 10)
    client.force_login(teacher)
    url = reverse("live:makeup", args=[makeup_session.pk])
    stranger = learner_of(
        cohort.organisation,
        cohort_with(cohort.organisation, teacher, learners=0, name="Other"),
        "Not on this course",
    )
    response = client.post(
        url,
        {"learner": stranger.pk, "missed": missed.pk, "status": "present", "password": PASSWORD},
    )
    assert response.status_code == 400  # not a learner of the missed session
    # Every lesson done: the missed session is the last thing the course waits for.
    _lessons_done(learner, cohort.course)
    enrolment = Enrolment.objects.get(course=cohort.course, user=learner)
    assert enrolment.completed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"learner": learner.pk, "missed": missed.pk, "status": "present", "password": PASSWORD},
        )
    assert response.status_code == 302
    assert hours.completion_blockers(learner.pk, cohort.course_id) == []
    assert Attendance.objects.get(makeup_for=missed).learner == learner
    # The make-up completes the course through the background task, which takes ids only.
    messages = OutboxMessage.objects.filter(task=attendance.COMPLETE_TASK).order_by("pk")
    assert [m.args for m in messages] == [[missed.pk], [makeup_session.pk, learner.pk]]
    assert messages.last().sent_at is not None
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def _lessons_done(learner, course):
    from courses.models import LessonPage

    for lesson in LessonPage.objects.descendant_of(course).live().specific():
        course_services.complete_lesson(user=learner, lesson=lesson)


def test_signed_attendance_completes_the_course_it_was_the_last_requirement_of(
    site, cohort, teacher, django_capture_on_commit_callbacks
):
    """A learner who has done every lesson but still owes a required session: the course
    completes once the attendance is signed (register, make-up or correction), through a
    background task that takes ids only. Someone else on the register with lessons still to
    do stays incomplete."""
    module = first_module(cohort.course)
    session = started_ago(schedule(teacher, cohort, module=module, required=True), 200)
    first, second, third = cohort.learners.order_by("pk")
    for learner in (first, second):
        _lessons_done(learner, cohort.course)
    enrolment = Enrolment.objects.filter(course=cohort.course)
    assert not enrolment.filter(completed_at__isnull=False).exists()  # the session blocks

    with django_capture_on_commit_callbacks(execute=True):
        attendance.sign_register(
            trainer=teacher,
            session_id=session.pk,
            rows={
                first.pk: ("present", None, ""),
                second.pk: ("absent", None, ""),
                third.pk: ("present", None, ""),
            },
        )
    message = OutboxMessage.objects.get(task=attendance.COMPLETE_TASK)
    assert message.args == [session.pk] and message.sent_at is not None
    assert enrolment.get(user=first).completed_at is not None
    assert enrolment.get(user=second).completed_at is None  # absent: still owes the session
    assert enrolment.get(user=third).completed_at is None  # lessons still to do

    # The absence was a mistake: the trainer's signed correction completes the course.
    wrong = Attendance.objects.get(session=session, learner=second)
    with django_capture_on_commit_callbacks(execute=True):
        attendance.correct_attendance(
            trainer=teacher, attendance_id=wrong.pk, status="present", minutes_present=None
        )
    assert enrolment.get(user=second).completed_at is not None
    assert enrolment.get(user=third).completed_at is None


# --- Calendars, feed and reminders --------------------------------------------------------


def test_ics_and_private_feed_parse_and_the_feed_can_be_revoked(
    client, site, cohort, teacher, caplog
):
    online = schedule(
        teacher, cohort, mode="live_online", place="", meeting_link="https://meet.example/abc"
    )
    learner = cohort.learners.first()
    client.force_login(learner)
    response = client.get(reverse("live:session_ics", args=[online.pk]))
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == online.title
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    assert event.decoded("DTSTART") == online.starts_at

    client.post(reverse("live:calendar"), {"action": "regenerate"})
    feed_url = client.get(reverse("live:calendar")).context["feed_url"]
    path = feed_url.replace("http://testserver", "").split("://", 1)[-1]
    path = path[path.index("/live/") :]
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [online.title]

    client.force_login(learner)
    client.post(reverse("live:calendar"), {"action": "revoke"})
    client.logout()
    token = path.rsplit("/", 1)[-1].removesuffix(".ics")
    with caplog.at_level(logging.DEBUG):
        assert client.get(path).status_code == 404
    assert token not in caplog.text  # Django logs 4xx paths; this one holds the token
    # Someone else's feed never shows another cohort's meeting link.
    assert calendar.user_for_token("") is None


def test_the_meeting_link_is_shown_only_to_the_sessions_learners(
    client, site, provider, cohort, teacher
):
    online = schedule(
        teacher, cohort, mode="live_online", place="", meeting_link="https://meet.example/abc"
    )
    client.force_login(cohort.learners.first())
    assert "https://meet.example/abc" in client.get(online.get_absolute_url()).content.decode()
    other = cohort_with(provider, teacher, learners=1, course=cohort.course, name="Autumn")
    client.force_login(other.learners.first())
    assert client.get(online.get_absolute_url()).status_code == 404


def test_reminders_go_through_the_outbox_once_and_not_to_those_who_switched_off(
    client, site, cohort, teacher, django_capture_on_commit_callbacks
):
    session = schedule(teacher, cohort, days=1)
    wants, declines, other = cohort.learners.order_by("pk")
    client.force_login(declines)
    client.post(reverse("live:calendar"), {"action": "reminders"})  # unticked: off
    with django_capture_on_commit_callbacks(execute=True):
        queued = reminders.queue_reminders()
    assert queued == 2
    messages = OutboxMessage.objects.filter(task=reminders.SEND_TASK)
    assert sorted(m.args[1] for m in messages) == sorted([wants.pk, other.pk])
    assert all(m.sent_at for m in messages)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([wants.email, other.email])
    assert session.title in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.queue_reminders() == 0  # a re-run sends nothing twice
    assert len(mail.outbox) == 2


def test_learners_see_upcoming_sessions_on_the_dashboard_and_course_page(
    client, site, cohort, teacher
):
    session = schedule(teacher, cohort, days=2)
    client.force_login(cohort.learners.first())
    assert session.title in client.get(reverse("learn:dashboard")).content.decode()
    assert session.title in client.get(cohort.course.url).content.decode()


def test_upcoming_sessions_are_kept_between_requests_and_follow_every_change(
    client, site, provider, cohort, teacher, monkeypatch
):
    """Once a learner's next sessions are known, the dashboard asks nothing about sessions;
    a new session, a move to another cohort, a deleted session and a withdrawal each show on
    the next request, and a session that has ended drops off with no change at all."""
    learner = cohort.learners.order_by("pk").first()
    first = schedule(teacher, cohort, days=2, title="First of the spring")
    client.force_login(learner)
    dashboard = reverse("learn:dashboard")
    assert "First of the spring" in client.get(dashboard).content.decode()
    with CaptureQueriesContext(connection) as captured:
        assert "First of the spring" in client.get(dashboard).content.decode()
    assert not any("live_livesession" in q["sql"] for q in captured.captured_queries)

    schedule(teacher, cohort, days=3, title="Second of the spring")
    assert "Second of the spring" in client.get(dashboard).content.decode()

    autumn = cohort_with(provider, teacher, learners=0, course=cohort.course, name="Autumn")
    schedule(teacher, autumn, days=4, title="Autumn opener")
    assert "Autumn opener" not in client.get(dashboard).content.decode()
    autumn.learners.add(learner)
    assert "Autumn opener" in client.get(dashboard).content.decode()

    first.delete()
    assert "First of the spring" not in client.get(dashboard).content.decode()

    # Time passing changes nothing in the database: the kept list is filtered by the time.
    second = LiveSession.objects.get(title="Second of the spring")
    later = second.ends_at + timedelta(minutes=1)
    monkeypatch.setattr(upcoming.timezone, "now", lambda: later)
    page = client.get(dashboard).content.decode()
    assert "Second of the spring" not in page and "Autumn opener" in page
    monkeypatch.undo()

    # An open session is for the course's enrolled trainees of the provider.
    schedule(teacher, cohort, cohort_id=None, days=5, title="Open drop-in")
    autumn.learners.remove(learner)
    cohort.learners.remove(learner)
    assert "Open drop-in" in client.get(cohort.course.url).content.decode()
    enrolment = Enrolment.objects.get(user=learner, course=cohort.course)
    enrolment.withdrawn_at = timezone.now()
    enrolment.save()
    assert "Open drop-in" not in client.get(dashboard).content.decode()


def test_capacity_is_kept_make_ups_fill_places_and_full_sessions_are_not_offered(
    client, site, provider, teacher
):
    """A session of a three-learner cohort that holds four: the register says how many
    places are taken; one make-up fills it; a second make-up is refused at its field; and a
    learner who missed a session is no longer offered the full one."""
    small = cohort_with(provider, teacher, learners=3, name="Small")
    module = first_module(small.course)
    other = cohort_with(provider, teacher, learners=2, course=small.course, name="Other")
    missed = schedule(teacher, other, module=module, days=-3)
    attendance.sign_register(
        trainer=teacher,
        session_id=missed.pk,
        rows={p.pk: ("absent", None, "") for p in other.learners.all()},
    )
    room = schedule(teacher, small, module=module, capacity=4, title="Boundaries, room of four")
    first, second = other.learners.order_by("pk")

    client.force_login(first)
    page = client.get(reverse("live:mine")).content.decode()
    assert "Boundaries, room of four" in page  # a place left: offered, with where it is
    assert "Room 2" in page

    started_ago(room, 10)
    client.force_login(teacher)
    register = client.get(reverse("live:register", args=[room.pk])).content.decode()
    assert "Places: 3 of 4 taken" in register
    url = reverse("live:makeup", args=[room.pk])
    form = {"missed": missed.pk, "status": "present", "password": PASSWORD}
    assert client.post(url, {**form, "learner": first.pk}).status_code == 302
    assert "Places: 4 of 4 taken" in client.get(url).content.decode()
    refused = client.post(url, {**form, "learner": second.pk})
    assert refused.status_code == 400
    assert "This session is full (4 places)" in " ".join(refused.context["form"].errors["learner"])
    assert not Attendance.objects.filter(session=room, learner=second).exists()

    later = schedule(teacher, small, module=module, days=2, capacity=4, title="Full later")
    client.force_login(second)
    page = client.get(reverse("live:mine")).content.decode()
    # "Full later" has the three of its cohort and room for one: still offered.
    assert "Full later" in page
    later.capacity = 3
    later.save(update_fields=["capacity"])
    page = client.get(reverse("live:mine")).content.decode()
    assert "Full later" not in page
    assert "No make-up session with a place left" in page


def test_a_repeat_of_a_module_the_learner_attended_is_not_listed_as_missed(
    client, site, cohort, teacher
):
    """The cohort had the module, then a repeat for those who missed it. Someone who was
    there is not told they missed the repeat; someone who missed both is told of both."""
    module = first_module(cohort.course)
    first = schedule(teacher, cohort, module=module, days=-7, title="Boundaries, first time")
    schedule(teacher, cohort, module=module, days=-3, hour=14, title="Boundaries, repeat")
    there, away, _other = cohort.learners.order_by("pk")
    attendance.sign_register(
        trainer=teacher,
        session_id=first.pk,
        rows={there.pk: ("present", None, ""), away.pk: ("absent", None, "")},
    )
    client.force_login(there)
    page = client.get(reverse("live:mine")).content.decode()
    assert "Missed sessions" not in page
    client.force_login(away)
    page = client.get(reverse("live:mine")).content.decode()
    assert "Missed sessions" in page
    assert "Boundaries, first time" in page and "Boundaries, repeat" in page


def test_an_open_session_may_hold_fewer_than_the_course_and_the_register_says_so(
    client, site, cohort, teacher
):
    """A drop-in open to everyone on the course is not refused for a small room (not all of
    them come); its register says how many may come against how many the room holds."""
    session = schedule(teacher, cohort, cohort_id=None, capacity=2, title="Drop-in practice")
    assert session.cohort_id is None and session.capacity == 2
    started_ago(session, 10)
    client.force_login(teacher)
    page = client.get(reverse("live:register", args=[session.pk])).content.decode()
    assert "the room holds 2, and the session is open to 3 learners on the course" in page
