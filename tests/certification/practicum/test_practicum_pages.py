"""The practicum through its pages: a trainee logs and sends hours, a supervisor signs them
with their password, records sessions and rates sign-offs; bad input is refused with the
text kept; notes stay with the pair; notifications come once, then as a weekly digest."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certification.practicum.exceptions import PracticumError
from certification.practicum.models import Notification, PracticumEntry, SignOffRating
from certification.practicum.services import notifications as notification_services
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency
from lms.accounts.reauth import SESSION_KEY
from lms.audit.models import AuditEvent
from tests.factories import build_practicum, log_entry
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def practicum(db):
    return build_practicum(week_of_entries=True)


def signed_in(client, user, *, confirmed_recently=True):
    client.force_login(user)
    if not confirmed_recently:
        session = client.session
        session[SESSION_KEY] = 0
        session.save()
    return client


def entry_post(**overrides):
    data = {
        "date": (timezone.localdate() - timedelta(days=8)).isoformat(),
        "start_time": "09:30",
        "minutes": "90",
        "setting": "community",
        "activity": "",
        "description": "Co-facilitated a peer group on planning for the weekend.",
    }
    data.update(overrides)
    return data


def activity_pk(code):
    from certification.practicum.models import ActivityType

    return str(ActivityType.objects.get(code=code).pk)


# Trainee -----------------------------------------------------------------------------------


def test_trainee_logs_hours_and_sends_them(client, practicum):
    signed_in(client, practicum.trainee)
    url = reverse("practicum:entry_new", args=[practicum.placement.pk])
    response = client.post(url, entry_post(activity=activity_pk("group"), send="1"))
    assert response.status_code == 302
    entry = PracticumEntry.objects.get(placement=practicum.placement, minutes=90)
    assert entry.status == PracticumEntry.Status.SUBMITTED
    page = client.get(reverse("practicum:placement", args=[practicum.placement.pk]))
    assert "Waiting for your supervisor" in page.content.decode()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"description": "Met client Sarah at the library to plan her week."}, "identifying"),
        ({"date": (timezone.localdate() + timedelta(days=2)).isoformat()}, "in the future"),
        ({"minutes": "1200"}, "between 1 minute and 16 hours"),
        ({"minutes": "-30"}, "between 1 minute and 16 hours"),
        (
            {"date": (timezone.localdate() - timedelta(days=300)).isoformat()},
            "outside the placement",
        ),
        ({"date": (timezone.localdate() - timedelta(days=1)).isoformat()}, "overlaps"),
    ],
)
def test_bad_entries_are_refused_with_a_clear_message_and_the_text_kept(
    client, practicum, overrides, message
):
    signed_in(client, practicum.trainee)
    url = reverse("practicum:entry_new", args=[practicum.placement.pk])
    data = entry_post(activity=activity_pk("one_to_one"), **overrides)
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert data["description"] in body  # nothing typed is lost
    assert PracticumEntry.objects.filter(placement=practicum.placement).count() == 5


def test_each_refusal_of_the_service_is_shown_at_its_field(client, practicum):
    """A future date and identifying details together: each message beside its own field
    (tied by aria-describedby, as Django's own field errors are), not one run-on paragraph."""
    import re

    signed_in(client, practicum.trainee)
    url = reverse("practicum:entry_new", args=[practicum.placement.pk])
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = entry_post(
        activity=activity_pk("one_to_one"),
        date=future,
        description="Met client Sarah at the library to plan her week.",
    )
    body = client.post(url, data).content.decode()

    def error_of(field):
        found = re.search(rf'<ul[^>]*id="id_{field}_error"[^>]*>(.*?)</ul>', body, re.S)
        return found.group(1) if found else ""

    assert "in the future" in error_of("date") and "identifying" not in error_of("date")
    assert "identifying" in error_of("description") and "future" not in error_of("description")
    assert re.search(r'<input[^>]*name="date"[^>]*aria-describedby="[^"]*id_date_error', body)


def test_malformed_input_is_a_form_error_not_a_500(client, practicum):
    signed_in(client, practicum.trainee)
    url = reverse("practicum:entry_new", args=[practicum.placement.pk])
    response = client.post(url, {"date": "yesterday", "start_time": "25:99", "minutes": "lots"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_locked_and_waiting_entries_cannot_be_edited_through_the_form(client, practicum):
    entry = practicum.entries[0]
    signed_in(client, practicum.trainee)
    edit = reverse("practicum:entry_edit", args=[practicum.placement.pk, entry.pk])
    response = client.post(edit, entry_post(activity=activity_pk("group"), minutes="30"))
    assert response.status_code == 409
    assert "with your supervisor" in response.content.decode()
    practicum_services.approve_entry(supervisor=practicum.supervisor, entry_id=entry.pk)
    response = client.post(edit, entry_post(activity=activity_pk("group"), minutes="30"))
    assert response.status_code == 409
    assert "approved and locked" in response.content.decode()
    entry.refresh_from_db()
    assert entry.minutes == 120


def test_a_correction_counts_once_approved(client, practicum):
    entry = practicum.entries[0]
    practicum_services.approve_entry(supervisor=practicum.supervisor, entry_id=entry.pk)
    signed_in(client, practicum.trainee)
    url = reverse("practicum:entry_correct", args=[practicum.placement.pk, entry.pk])
    response = client.post(url, {"minutes": "60", "description": "It was one hour, not two."})
    assert response.status_code == 302
    correction = PracticumEntry.objects.get(corrects=entry)
    client.post(
        reverse("practicum:submit", args=[practicum.placement.pk]), {"entry": [correction.pk]}
    )
    practicum_services.approve_entry(supervisor=practicum.supervisor, entry_id=correction.pk)
    assert practicum_services.placement_totals(placement=practicum.placement)["minutes"] == 60


def test_the_approved_table_shows_every_change_on_the_next_request(client, practicum):
    """The table of approved entries is kept in the cache for exactly what it shows: a
    renamed signer, a held qualification and a correction show at once."""
    from certification.practicum.models import PlacementSupervisor

    first, second = practicum.entries[:2]
    for entry in (first, second):
        practicum_services.approve_entry(supervisor=practicum.supervisor, entry_id=entry.pk)
    signed_in(client, practicum.trainee)
    url = reverse("practicum:placement", args=[practicum.placement.pk])
    correct = reverse("practicum:entry_correct", args=[practicum.placement.pk, first.pk])

    def table(page):
        start = page.index("Approved (locked)")
        return page[start : page.index("</table>", start)]

    page = client.get(url).content.decode()
    assert page.count("Marcus<br>") == 2 and correct in page
    assert table(client.get(url).content.decode()) == table(page)  # warm: the kept table

    practicum.supervisor.preferred_name = "Marcus R."
    practicum.supervisor.save()
    page = client.get(url).content.decode()
    assert page.count("Marcus R.<br>") == 2 and "Marcus<br>" not in page

    PlacementSupervisor.objects.filter(placement=practicum.placement).update(
        qualification_status=PlacementSupervisor.QualificationStatus.HELD
    )
    page = client.get(url).content.decode()
    assert table(page).count("held until the qualification is approved") == 2
    PlacementSupervisor.objects.filter(placement=practicum.placement).update(
        qualification_status=PlacementSupervisor.QualificationStatus.APPROVED
    )

    client.post(correct, {"minutes": "60", "description": "It was one hour, not two."})
    page = client.get(url).content.decode()
    assert correct not in page and page.count('<span class="meta">Corrected</span>') == 1


# Supervisor --------------------------------------------------------------------------------


def decide(client, practicum, ids, action="approve", **extra):
    return client.post(
        reverse("practicum:decide", args=[practicum.placement.pk]),
        {"entry": ids, "action": action, **extra},
    )


def test_signing_asks_for_the_password_again_and_keeps_the_selection(client, practicum):
    signed_in(client, practicum.supervisor, confirmed_recently=False)
    first, second = practicum.entries[0].pk, practicum.entries[1].pk
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert 'name="password"' in page.content.decode()

    response = decide(client, practicum, [first, second])
    assert response.status_code == 400
    assert "Enter your password" in response.content.decode()
    response = decide(client, practicum, [first, second], password="wrong")
    body = response.content.decode()
    assert response.status_code == 400 and "not right" in body
    # Only the two chosen entries are still ticked.
    assert body.count("checked") == 2
    assert not PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED).exists()

    response = decide(client, practicum, [first, second], password=PASSWORD)
    assert response.status_code == 302
    approved = PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED)
    assert sorted(approved.values_list("pk", flat=True)) == [first, second]
    assert all(e.content_hash == e.compute_hash() for e in approved)
    # Within the window, the next signature needs no password.
    assert decide(client, practicum, [practicum.entries[2].pk]).status_code == 302


def test_returning_needs_a_comment(client, practicum):
    signed_in(client, practicum.supervisor)
    response = decide(client, practicum, [practicum.entries[0].pk], action="return")
    assert response.status_code == 400
    assert "Say what needs changing" in response.content.decode()
    response = decide(
        client, practicum, [practicum.entries[0].pk], action="return", comment="Add the domain."
    )
    assert response.status_code == 302
    returned = PracticumEntry.objects.get(pk=practicum.entries[0].pk)
    assert returned.status == PracticumEntry.Status.RETURNED
    assert returned.decision_comment == "Add the domain."


def test_a_trainee_who_is_also_a_supervisor_cannot_sign_their_own_records(client, practicum):
    practicum.placement.supervisor_links.create(
        supervisor=practicum.trainee, qualification="Peer mentor"
    )
    signed_in(client, practicum.trainee)
    assert (
        client.get(reverse("practicum:supervise", args=[practicum.placement.pk])).status_code == 404
    )
    assert (
        decide(client, practicum, [practicum.entries[0].pk], password=PASSWORD).status_code == 404
    )
    with pytest.raises(PracticumError, match="your own records"):
        practicum_services.approve_entry(
            supervisor=practicum.trainee, entry_id=practicum.entries[0].pk
        )
    assert not PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED).exists()


def test_another_supervisor_cannot_act_on_a_trainee_who_is_not_theirs(client, practicum):
    signed_in(client, practicum.other_supervisor)
    assert (
        decide(client, practicum, [practicum.entries[0].pk], password=PASSWORD).status_code == 404
    )
    # Nor by naming the entry on their own placement's form.
    response = client.post(
        reverse("practicum:decide", args=[practicum.other_placement.pk]),
        {"entry": [practicum.entries[0].pk], "action": "approve", "password": PASSWORD},
    )
    assert response.status_code in (302, 400)
    assert not PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED).exists()


def test_an_expired_placement_is_closed_to_its_supervisor(client, practicum):
    today = timezone.localdate()
    type(practicum.placement).objects.filter(pk=practicum.placement.pk).update(
        starts_on=today - timedelta(days=120), ends_on=today - timedelta(days=60), grace_days=14
    )
    signed_in(client, practicum.supervisor)
    assert (
        client.get(reverse("practicum:supervise", args=[practicum.placement.pk])).status_code == 404
    )
    assert decide(client, practicum, [practicum.entries[0].pk]).status_code == 404


def test_session_notes_stay_with_the_pair(client, practicum, django_capture_on_commit_callbacks):
    notes = "Private: talked about a relapse scare last month."
    signed_in(client, practicum.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practicum:session_new", args=[practicum.placement.pk]),
            {
                "kind": "individual",
                "date": (timezone.localdate() - timedelta(days=9)).isoformat(),
                "start_time": "15:00",
                "minutes": "60",
                "private_notes": notes,
            },
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[practicum.trainee.email]]
    assert (
        notes
        in client.get(
            reverse("practicum:supervise", args=[practicum.placement.pk])
        ).content.decode()
    )
    trainee_page = signed_in(client, practicum.trainee).get(
        reverse("practicum:placement", args=[practicum.placement.pk])
    )
    assert notes in trainee_page.content.decode()
    # Supervision hours now count; the note is in no audit event, notification or email.
    assert (
        practicum_services.placement_totals(placement=practicum.placement)["supervision_minutes"]
        == 60
    )
    assert not AuditEvent.objects.filter(after__icontains="relapse").exists()
    assert not Notification.objects.filter(message__icontains="relapse").exists()
    assert all("relapse" not in m.body for m in mail.outbox)


def test_session_in_the_future_is_refused_and_nothing_is_signed(client, practicum):
    signed_in(client, practicum.supervisor)
    response = client.post(
        reverse("practicum:session_new", args=[practicum.placement.pk]),
        {
            "kind": "group",
            "date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "start_time": "15:00",
            "minutes": "60",
            "private_notes": "Kept text",
        },
    )
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert "Kept text" in response.content.decode()
    assert not practicum.placement.sessions.exists()


# Sign-offs ---------------------------------------------------------------------------------


def test_several_raters_each_keep_their_own_rating_and_the_rule_decides(client, practicum):
    competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code="III.3")
    signed_in(client, practicum.trainee)
    response = client.post(
        reverse("practicum:signoff_new", args=[practicum.placement.pk]),
        {
            "competency": competency.pk,
            "account": "Noticed a quiet member after group and checked in with them.",
        },
    )
    assert response.status_code == 302
    request = practicum.placement.signoff_requests.get()
    # A second supervisor whose qualification has lapsed.
    practicum.placement.supervisor_links.create(
        supervisor=practicum.other_supervisor,
        qualification="Peer supervisor",
        qualification_expires=timezone.localdate() - timedelta(days=1),
    )
    rate = reverse("practicum:rate", args=[practicum.placement.pk, request.pk])
    signed_in(client, practicum.other_supervisor)
    assert client.post(rate, {"rating": "competent", "comment": "Good."}).status_code == 302
    code = "samhsa-pw-2015/III.3"
    achieved = supervision_services.achieved_competencies
    assert code not in achieved(trainee=practicum.trainee, credential_code="peer-foundations")
    signed_in(client, practicum.supervisor)
    assert client.post(rate, {"rating": "developing", "comment": "Nearly."}).status_code == 302
    assert client.post(rate, {"rating": "competent", "comment": "Yes."}).status_code == 302
    ratings = list(SignOffRating.objects.filter(request=request).order_by("pk"))
    assert [(r.rater_id, r.rating) for r in ratings] == [
        (practicum.other_supervisor.pk, "competent"),
        (practicum.supervisor.pk, "developing"),
        (practicum.supervisor.pk, "competent"),
    ]
    assert [r.qualification_current for r in ratings] == [False, True, True]
    assert code in achieved(trainee=practicum.trainee, credential_code="peer-foundations")


def ask_signoff(practicum, code, account):
    """The trainee asks for a SAMHSA competency (by code) to be signed off."""
    competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code=code)
    return supervision_services.request_signoff(
        trainee=practicum.trainee,
        placement_id=practicum.placement.pk,
        competency_id=competency.pk,
        account=account,
    )


def test_a_rating_needs_a_comment_and_a_valid_choice(client, practicum):
    request = ask_signoff(
        practicum, "IX.5", "Kept a group member's story private when a friend of theirs asked."
    )
    signed_in(client, practicum.supervisor)
    rate = reverse("practicum:rate", args=[practicum.placement.pk, request.pk])
    assert client.post(rate, {"rating": "brilliant", "comment": ""}).status_code == 400
    assert not SignOffRating.objects.exists()


# Notifications -----------------------------------------------------------------------------


def test_first_notification_emails_at_once_then_the_weekly_digest_gathers_the_rest(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        practicum = build_practicum(week_of_entries=True)
    # Five entries were sent at once: the supervisor had one email for all five.
    to_supervisor = [m for m in mail.outbox if m.to == [practicum.supervisor.email]]
    assert len(to_supervisor) == 1
    assert "5 practicum entries are waiting" in to_supervisor[0].body
    more = log_entry(practicum.placement, days_ago=7, start=time(14, 0))
    with django_capture_on_commit_callbacks(execute=True):
        practicum_services.submit_entries(trainee=practicum.trainee, entry_ids=[more.pk])
    assert len([m for m in mail.outbox if m.to == [practicum.supervisor.email]]) == 1
    assert notification_services.send_digests() >= 1
    digest = [m for m in mail.outbox if m.to == [practicum.supervisor.email]][-1]
    assert "this week" in digest.subject
    assert "1 practicum entry is waiting" in digest.body
    assert "housing appointment" not in digest.body  # descriptions never go by email
    assert notification_services.send_digests() == 0  # nothing left to send


@pytest.mark.parametrize("page", ["practicum:placement", "practicum:supervise", "practicum:home"])
def test_practicum_pages_cost_the_same_queries_whatever_the_ledger_size(
    client, site, practicum, page
):
    # `site`: the page tree and its Wagtail site, which every page's header reads (kept per
    # process); a test before this one on the same worker may have flushed them, and with no
    # site at all each request would look for one.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = practicum.supervisor if page == "practicum:supervise" else practicum.trainee
    args = [] if page == "practicum:home" else [practicum.placement.pk]
    signed_in(client, user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page, args=args)).status_code == 200
        return len(queries)

    practicum_services.approve_entries(
        supervisor=practicum.supervisor, entry_ids=[e.pk for e in practicum.entries[:3]]
    )
    # A sign-off request with a rating, so the ratings are read too.
    request = ask_signoff(practicum, "III.3", "Listened and planned next steps with a peer.")
    supervision_services.rate_signoff(
        supervisor=practicum.supervisor, request_id=request.pk, rating="competent", comment="Seen."
    )
    count()  # warm, as in a running server (site, route, settings and standards kept)
    small = count()
    more = [log_entry(practicum.placement, days_ago=d) for d in range(10, 30)]
    practicum_services.submit_entries(
        trainee=practicum.trainee, entry_ids=[e.pk for e in more[:10]]
    )
    practicum_services.approve_entries(
        supervisor=practicum.supervisor, entry_ids=[e.pk for e in more[:5]]
    )
    # Every kind of row the ledger joins: a returned entry with its comment, a correction of
    # an approved one (waiting) and a session the supervisor recorded (an approved entry).
    practicum_services.return_entry(
        supervisor=practicum.supervisor, entry_id=more[5].pk, comment="Which group was this?"
    )
    correction = practicum_services.correct_entry(
        trainee=practicum.trainee, entry_id=more[0].pk, minutes=60, description="One hour."
    )
    practicum_services.submit_entries(trainee=practicum.trainee, entry_ids=[correction.pk])
    supervision_services.record_session(
        supervisor=practicum.supervisor,
        placement_id=practicum.placement.pk,
        kind="individual",
        date=timezone.localdate() - timedelta(days=31),
        start_time=time(9, 0),
        minutes=60,
        private_notes="Talked through a hard week.",
    )
    assert count() == small
    assert small <= 10  # issue 19's budget for the practicum pages


HUGE_MINUTES = ["99999999999999999999", str(2**63), "1" + "0" * 40]


@pytest.mark.parametrize("minutes", HUGE_MINUTES)
def test_an_enormous_duration_is_a_message_at_the_field(client, practicum, minutes):
    """A number of minutes too large for a clock is refused at the field with the range, on
    the entry, correction and session forms, with the typed text kept (it used to overflow
    `timedelta` in the overlap check, a 500)."""
    signed_in(client, practicum.trainee)
    data = entry_post(activity=activity_pk("one_to_one"), minutes=minutes)
    response = client.post(reverse("practicum:entry_new", args=[practicum.placement.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["minutes"] == [
        "The duration must be between 1 minute and 16 hours (960 minutes)."
    ]
    assert data["description"] in response.content.decode()

    entry = practicum.entries[0]
    practicum_services.submit_entries(trainee=practicum.trainee, entry_ids=[entry.pk])
    practicum_services.approve_entry(supervisor=practicum.supervisor, entry_id=entry.pk)
    correction = {"minutes": minutes, "description": "Logged twice by mistake."}
    response = client.post(
        reverse("practicum:entry_correct", args=[practicum.placement.pk, entry.pk]), correction
    )
    assert response.status_code == 400
    assert "between 0 and 16 hours" in response.context["form"].errors["minutes"][0]

    signed_in(client, practicum.supervisor)
    session = {
        "kind": "individual",
        "date": (timezone.localdate() - timedelta(days=9)).isoformat(),
        "start_time": "15:00",
        "minutes": minutes,
        "private_notes": "Kept text",
        "password": PASSWORD,
    }
    response = client.post(reverse("practicum:session_new", args=[practicum.placement.pk]), session)
    assert response.status_code == 400
    assert response.context["form"].errors["minutes"] == [
        "A session lasts between 1 minute and 8 hours (480 minutes)."
    ]
    assert "Kept text" in response.content.decode()
    assert not practicum.placement.sessions.exists()


def test_the_services_refuse_an_enormous_duration_without_overflowing(practicum):
    """Called directly (not through a form), the services give their own message."""
    with pytest.raises(PracticumError, match="between 1 minute and 16 hours"):
        practicum_services.save_entry(
            trainee=practicum.trainee,
            placement_id=practicum.placement.pk,
            entry_id=None,
            date=timezone.localdate() - timedelta(days=8),
            start_time=time(9, 30),
            minutes=10**20,
            setting="community",
            activity=practicum.entries[0].activity,
            description="Co-facilitated a peer group.",
            domains=[],
        )
    with pytest.raises(PracticumError, match="between 1 minute and 8 hours"):
        supervision_services.record_session(
            supervisor=practicum.supervisor,
            placement_id=practicum.placement.pk,
            kind="individual",
            date=timezone.localdate() - timedelta(days=9),
            start_time=time(15, 0),
            minutes=10**20,
        )
