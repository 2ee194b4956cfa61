"""The hours ledger: placements and agreements, the entry state machine, locking, corrections
and totals, the identifying-details check, and who may approve. (Service level: the pages
for it are still to come.)"""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse as url_of
from django.utils import timezone

from certification.credentials.services import loading as loading_services
from certification.practicum.exceptions import (
    EntryLockedError,
    NotYourPlacementError,
    PracticumError,
)
from certification.practicum.models import ActivityType, PracticumEntry
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Domain
from lms.accounts.models import Membership, Organisation
from lms.privacy.identifying import identifying_details
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(db):
    loading_services.load_frameworks()
    trainee = UserFactory(legal_name="Jordan Ellis")
    supervisor = UserFactory(legal_name="Marcus Reid")
    host = OrganisationFactory(kind=Organisation.Kind.PLACEMENT_HOST)
    MembershipFactory(user=supervisor, organisation=host, role=Membership.Role.SUPERVISOR)
    today = timezone.localdate()
    placement = practicum_services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification="Certified Peer Supervisor",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )
    return placement, trainee, supervisor


def agree(placement, trainee, supervisor):
    practicum_services.accept_agreement(placement_id=placement.pk, user=trainee)
    practicum_services.accept_agreement(placement_id=placement.pk, user=supervisor)


def log(
    placement,
    trainee,
    *,
    day=1,
    start=time(9, 0),
    minutes=120,
    activity="one_to_one",
    description="Supported a person to prepare for a housing appointment.",
):
    return practicum_services.save_entry(
        trainee=trainee,
        placement_id=placement.pk,
        date=timezone.localdate() - timedelta(days=day),
        start_time=start,
        minutes=minutes,
        setting=PracticumEntry.Setting.COMMUNITY,
        activity=ActivityType.objects.get(code=activity),
        description=description,
        domains=[Domain.objects.get(framework__slug="icrc-pr", code="recovery")],
    )


def test_no_hours_count_before_both_accept_the_agreement(ledger):
    placement, trainee, supervisor = ledger
    with pytest.raises(PracticumError, match="supervision agreement"):
        log(placement, trainee)
    practicum_services.accept_agreement(placement_id=placement.pk, user=trainee)
    with pytest.raises(PracticumError, match="supervision agreement"):
        log(placement, trainee)
    practicum_services.accept_agreement(placement_id=placement.pk, user=supervisor)
    assert log(placement, trainee).status == PracticumEntry.Status.DRAFT
    with pytest.raises(NotYourPlacementError):
        practicum_services.accept_agreement(placement_id=placement.pk, user=UserFactory())


def test_state_machine_draft_submitted_returned_resubmitted_approved_locked(ledger):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    entry = log(placement, trainee)
    assert practicum_services.submit_entries(trainee=trainee, entry_ids=[entry.pk]) == 1
    with pytest.raises(EntryLockedError):  # with the supervisor: the trainee cannot edit it
        practicum_services.save_entry(
            trainee=trainee,
            placement_id=placement.pk,
            entry_id=entry.pk,
            date=entry.date,
            start_time=entry.start_time,
            minutes=60,
            setting=entry.setting,
            activity=entry.activity,
            description="x",
        )
    with pytest.raises(PracticumError, match="Say what needs changing"):
        practicum_services.return_entry(supervisor=supervisor, entry_id=entry.pk, comment=" ")
    returned = practicum_services.return_entry(
        supervisor=supervisor, entry_id=entry.pk, comment="Please add the domain."
    )
    assert returned.status == PracticumEntry.Status.RETURNED
    practicum_services.save_entry(
        trainee=trainee,
        placement_id=placement.pk,
        entry_id=entry.pk,
        date=entry.date,
        start_time=entry.start_time,
        minutes=90,
        setting=entry.setting,
        activity=entry.activity,
        description=entry.description,
    )
    practicum_services.submit_entries(trainee=trainee, entry_ids=[entry.pk])
    approved = practicum_services.approve_entry(supervisor=supervisor, entry_id=entry.pk)
    assert approved.status == PracticumEntry.Status.APPROVED and approved.minutes == 90
    assert approved.signed_qualification == "Certified Peer Supervisor"
    assert approved.content_hash == approved.compute_hash() and len(approved.content_hash) == 64
    with pytest.raises(EntryLockedError, match="approved and locked"):
        practicum_services.save_entry(
            trainee=trainee,
            placement_id=placement.pk,
            entry_id=entry.pk,
            date=entry.date,
            start_time=entry.start_time,
            minutes=600,
            setting=entry.setting,
            activity=entry.activity,
            description="x",
        )
    with pytest.raises(EntryLockedError):
        practicum_services.approve_entry(supervisor=supervisor, entry_id=entry.pk)


def test_totals_count_approved_hours_and_corrections_replace_originals(ledger, client):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    direct = log(placement, trainee, day=1, minutes=120)
    admin = log(placement, trainee, day=2, minutes=60, activity="documentation")
    with pytest.raises(PracticumError, match="recorded by your supervisor"):
        log(placement, trainee, day=3, minutes=60, activity="supervision_individual")
    supervision_services.record_session(
        supervisor=supervisor,
        placement_id=placement.pk,
        kind="individual",
        date=timezone.localdate() - timedelta(days=3),
        start_time=time(9, 0),
        minutes=60,
        private_notes="Talked through a hard week.",
    )
    pending = log(placement, trainee, day=4, minutes=30)
    practicum_services.submit_entries(trainee=trainee, entry_ids=[direct.pk, admin.pk, pending.pk])
    for entry in (direct, admin):
        practicum_services.approve_entry(supervisor=supervisor, entry_id=entry.pk)
    totals = practicum_services.placement_totals(placement=placement)
    assert (totals["minutes"], totals["direct_minutes"], totals["supervision_minutes"]) == (
        240,
        120,
        60,
    )

    amend = practicum_services.correct_entry(
        trainee=trainee,
        entry_id=direct.pk,
        minutes=90,
        description="Corrected: the session ran 90 minutes.",
    )
    reverse = practicum_services.correct_entry(
        trainee=trainee, entry_id=admin.pk, minutes=0, description="Logged twice by mistake."
    )
    assert (
        practicum_services.placement_totals(placement=placement)["minutes"] == 240
    )  # not yet approved
    practicum_services.submit_entries(trainee=trainee, entry_ids=[amend.pk, reverse.pk])
    practicum_services.approve_entry(supervisor=supervisor, entry_id=amend.pk)
    practicum_services.approve_entry(supervisor=supervisor, entry_id=reverse.pk)
    totals = practicum_services.placement_totals(placement=placement)
    assert (totals["minutes"], totals["direct_minutes"], totals["supervision_minutes"]) == (
        150,
        90,
        60,
    )
    direct.refresh_from_db()
    assert direct.minutes == 120 and direct.status == PracticumEntry.Status.APPROVED  # never edited
    # The trainee's page marks both originals corrected, with no second correction offered,
    # and the approved correction itself may still be corrected.
    client.force_login(trainee)
    page = client.get(url_of("practicum:placement", args=[placement.pk])).content.decode()
    assert page.count('<span class="meta">Corrected</span>') == 2
    for original in (direct, admin):
        assert url_of("practicum:entry_correct", args=[placement.pk, original.pk]) not in page
    assert url_of("practicum:entry_correct", args=[placement.pk, amend.pk]) in page


@pytest.mark.parametrize(
    "text,found",
    [
        ("Met client Sarah at the café to plan her week.", "a name after"),
        ("Call him back on 07700 900123 tomorrow.", "a phone number"),
        ("Emailed jo.bloggs@example.org the leaflet.", "an email address"),
        ("Person born 03/04/1988 attended the group.", "a date of birth"),
        ("Facilitated a recovery group of eight people.", None),
    ],
)
def test_identifying_details_are_spotted(text, found):
    result = identifying_details(text)
    if found is None:
        assert result == []
    else:
        assert any(found in item for item in result)


def test_identifying_details_are_refused_and_the_text_kept_by_the_caller(ledger):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    text = "Supported client Sarah with her benefits form."
    with pytest.raises(PracticumError, match="remove identifying details") as error:
        log(placement, trainee, description=text)
    assert "a name after" in error.value.message
    assert not PracticumEntry.objects.exists()


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"day": -1}, "in the future"),
        ({"day": 40}, "outside the placement"),
        ({"minutes": 17 * 60}, "between 1 minute and 16 hours"),
        ({"minutes": 0}, "between 1 minute and 16 hours"),
    ],
)
def test_bad_entries_are_refused_with_a_message(ledger, kwargs, message):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    with pytest.raises(PracticumError, match=message):
        log(placement, trainee, **kwargs)
    assert not PracticumEntry.objects.exists()


def test_overlapping_and_over_long_days_are_refused(ledger):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    log(placement, trainee, start=time(9, 0), minutes=120)
    with pytest.raises(PracticumError, match="overlaps"):
        log(placement, trainee, start=time(10, 0), minutes=60)
    log(placement, trainee, start=time(11, 0), minutes=13 * 60)
    with pytest.raises(PracticumError, match="more than 16 hours"):
        log(placement, trainee, start=time(0, 0), minutes=120)


def test_no_one_signs_for_themselves_or_for_trainees_who_are_not_theirs(ledger):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    entry = log(placement, trainee)
    practicum_services.submit_entries(trainee=trainee, entry_ids=[entry.pk])
    other_supervisor = UserFactory()
    with pytest.raises(NotYourPlacementError):
        practicum_services.approve_entry(supervisor=other_supervisor, entry_id=entry.pk)
    with pytest.raises(NotYourPlacementError):
        practicum_services.approve_entry(
            supervisor=trainee, entry_id=entry.pk
        )  # not a supervisor here
    # A trainee who is also listed as a supervisor on their own placement still cannot sign.
    placement.supervisor_links.create(supervisor=trainee, qualification="Peer mentor")
    with pytest.raises(PracticumError, match="your own records"):
        practicum_services.approve_entry(supervisor=trainee, entry_id=entry.pk)
    with pytest.raises(PracticumError, match="cannot supervise their own"):
        practicum_services.create_placement(
            trainee=trainee,
            host=placement.host,
            supervisor=trainee,
            qualification="x",
            starts_on=date.today(),
            ends_on=date.today(),
        )
    assert PracticumEntry.objects.get(pk=entry.pk).status == PracticumEntry.Status.SUBMITTED


def test_an_expired_placement_cannot_be_signed(ledger):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    entry = log(placement, trainee)
    practicum_services.submit_entries(trainee=trainee, entry_ids=[entry.pk])
    type(placement).objects.filter(pk=placement.pk).update(
        starts_on=timezone.localdate() - timedelta(days=90),
        ends_on=timezone.localdate() - timedelta(days=30),
        grace_days=14,
    )
    with pytest.raises(PracticumError, match="sign-off period is over"):
        practicum_services.approve_entry(supervisor=supervisor, entry_id=entry.pk)


def test_a_session_that_overlaps_a_logged_entry_is_refused(ledger):
    placement, trainee, supervisor = ledger
    agree(placement, trainee, supervisor)
    log(placement, trainee, day=2, start=time(9, 0), minutes=120)
    with pytest.raises(PracticumError, match="overlaps an entry the trainee logged"):
        supervision_services.record_session(
            supervisor=supervisor,
            placement_id=placement.pk,
            kind="individual",
            date=timezone.localdate() - timedelta(days=2),
            start_time=time(10, 0),
            minutes=60,
        )
    assert not placement.sessions.exists()
