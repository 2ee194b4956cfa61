"""The trainee's wellbeing space: a lived-experience statement and self-care check-ins that
only the trainee sees, encrypted at rest; clear messages for bad input with nothing lost; a
pointer to support when stress is high; and the supervisor told only what the trainee chose
to share (the "struggling" flag, the statement if shared), on the supervise page."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lms.crypto import encrypted_fields
from lms.privacy.models import LivedExperienceStatement, WellbeingCheckIn
from lms.privacy.services import wellbeing
from tests.factories import build_practicum

pytestmark = pytest.mark.django_db

STATEMENT = "Eleven years in recovery; I talk about the early days, never about my family."
NOTE = "Hard week, the group session brought a lot back."


@pytest.fixture
def practicum(site, roles):
    return build_practicum()


def checkin(client, **overrides):
    data = {
        "date": timezone.localdate().isoformat(),
        "energy": "3",
        "stress": "2",
        "note": "",
        **overrides,
    }
    return client.post(reverse("wellbeing:home"), data)


def test_the_statement_is_written_edited_and_encrypted(client, practicum):
    trainee = practicum.trainee
    client.force_login(trainee)
    page = client.get(reverse("wellbeing:home")).content.decode()
    assert "Write your statement" in page
    assert 'href="/wellbeing/"' in page  # in the main navigation
    response = client.post(reverse("wellbeing:statement"), {"text": STATEMENT})
    assert response.status_code == 302
    statement = LivedExperienceStatement.objects.get(trainee=trainee)
    assert statement.text == STATEMENT and statement.share_with_supervisor is False
    form = client.get(reverse("wellbeing:statement")).content.decode()
    assert "never about my family" in form
    client.post(
        reverse("wellbeing:statement"), {"text": "Shorter now.", "share_with_supervisor": "on"}
    )
    statement.refresh_from_db()
    assert statement.text == "Shorter now." and statement.share_with_supervisor
    assert LivedExperienceStatement.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM certification_livedexperiencestatement")
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:") and "Shorter" not in raw


def test_a_too_long_statement_is_refused_clearly_and_kept(client, practicum):
    client.force_login(practicum.trainee)
    text = "x" * 6001
    response = client.post(reverse("wellbeing:statement"), {"text": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "at most 6000" in body
    assert text in body  # nothing typed is lost
    assert not LivedExperienceStatement.objects.exists()


def test_checkins_are_recorded_listed_and_only_for_their_author(client, practicum):
    client.force_login(practicum.trainee)
    assert checkin(client, stress="2", energy="4", note=NOTE).status_code == 302
    page = client.get(reverse("wellbeing:home")).content.decode()
    assert "group session brought a lot back" in page
    assert "It sounds like things are heavy" not in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM certification_wellbeingcheckin")
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:") and "group" not in raw
    # Another trainee sees none of it, and cannot delete it.
    mine = WellbeingCheckIn.objects.get()
    client.force_login(practicum.other_trainee)
    assert "group session" not in client.get(reverse("wellbeing:home")).content.decode()
    response = client.post(reverse("wellbeing:delete_checkin", args=[mine.pk]), follow=True)
    assert "could not find that check-in" in response.content.decode()
    assert WellbeingCheckIn.objects.filter(pk=mine.pk).exists()
    # Its author can.
    client.force_login(practicum.trainee)
    client.post(reverse("wellbeing:delete_checkin", args=[mine.pk]))
    assert not WellbeingCheckIn.objects.exists()


def test_high_stress_gets_a_gentle_pointer_to_support(client, practicum):
    client.force_login(practicum.trainee)
    checkin(client, stress="5", energy="1")
    page = client.get(reverse("wellbeing:home")).content.decode()
    assert "It sounds like things are heavy right now" in page
    assert f'href="{reverse("support")}"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stress": "9"}, "Select a valid choice"),
        ({"energy": ""}, "This field is required"),
        ({"date": "not a date"}, "Enter a valid date"),
        ({"date": (timezone.localdate() + timedelta(days=2)).isoformat()}, "today or an earlier"),
        ({"note": "y" * 2001}, "at most 2000"),
    ],
)
def test_bad_checkins_are_refused_clearly_and_keep_what_was_typed(
    client, practicum, overrides, message
):
    client.force_login(practicum.trainee)
    note = overrides.get("note", NOTE)
    response = checkin(client, **{"note": NOTE, **overrides})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert note in body or note[:50] in body
    assert not WellbeingCheckIn.objects.exists()


def test_the_supervisor_sees_only_the_flag_and_a_shared_statement(client, practicum):
    trainee, supervisor = practicum.trainee, practicum.supervisor
    wellbeing.record_checkin(
        trainee=trainee, on=timezone.localdate(), energy=1, stress=5, note=NOTE
    )
    wellbeing.save_statement(trainee=trainee, text=STATEMENT, share_with_supervisor=False)
    url = reverse("practicum:supervise", args=[practicum.placement.pk])
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert "would like you to know they are struggling" not in page
    assert "Eleven years" not in page and "group session" not in page

    wellbeing.record_checkin(
        trainee=trainee,
        on=timezone.localdate(),
        energy=2,
        stress=4,
        note=NOTE,
        tell_supervisor=True,
    )
    wellbeing.save_statement(trainee=trainee, text=STATEMENT, share_with_supervisor=True)
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "would like you to know they are struggling" in page
    assert "Eleven years in recovery" in page
    assert "group session" not in page  # never the note
    assert "4 / 5" not in page and "stress" not in page.lower().split("struggling")[1][:400]

    # The other placement's supervisor sees nothing (not their trainee).
    client.force_login(practicum.other_supervisor)
    assert client.get(url).status_code == 404
    # Once the placement is long over, the flag is no longer shown to anyone.
    from certification.practicum.models import Placement

    Placement.objects.filter(pk=practicum.placement.pk).update(
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=300),
    )
    client.force_login(supervisor)
    assert client.get(url).status_code == 404


def test_an_old_flag_drops_off_the_supervise_page(client, practicum):
    wellbeing.record_checkin(
        trainee=practicum.trainee,
        on=timezone.localdate() - timedelta(days=wellbeing.SUPPORT_FLAG_DAYS + 1),
        energy=1,
        stress=5,
        tell_supervisor=True,
    )
    client.force_login(practicum.supervisor)
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert "would like you to know" not in page.content.decode()


def test_key_rotation_covers_the_new_fields(practicum, settings):
    from cryptography.fernet import Fernet

    from lms import crypto

    names = {(m._meta.label, f) for m, f in encrypted_fields()}
    assert {
        ("privacy.LivedExperienceStatement", "text"),
        ("privacy.WellbeingCheckIn", "note"),
    } <= names
    wellbeing.save_statement(trainee=practicum.trainee, text=STATEMENT, share_with_supervisor=False)
    wellbeing.record_checkin(
        trainee=practicum.trainee, on=timezone.localdate(), energy=3, stress=3, note=NOTE
    )
    old_key = crypto.field_keys()[0]
    new_key = Fernet.generate_key().decode()
    settings.PEERPATH_FIELD_KEYS = [new_key, old_key]
    call_command("rotate_field_keys")
    settings.PEERPATH_FIELD_KEYS = [new_key]  # the old key removed: still readable
    assert LivedExperienceStatement.objects.get().text == STATEMENT
    assert WellbeingCheckIn.objects.get().note == NOTE
