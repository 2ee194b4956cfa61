"""The server errors the fuzzers found, each pinned by the smallest input that caused it."""

import pytest
from django.urls import reverse

# Characters str.isdigit() accepts but int() refuses, and a number no id column holds.
NOT_NUMBERS = ["²", "①", "9" * 40]


def test_reflection_next_that_is_not_a_path_goes_back_to_the_lesson(world, client):
    """redirect("0") read the value as a view name and raised NoReverseMatch."""
    client.force_login(world.users["trainee"])
    lesson = world.reflection_lesson
    response = client.post(
        reverse("learn:reflection", args=[lesson.pk, world.reflection_block]),
        {"text": "A private thought.", "next": "0"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(lesson.url)


@pytest.mark.parametrize("junk", NOT_NUMBERS)
def test_sending_entries_with_junk_ids_says_what_to_do(world, client, junk):
    from certification.practicum.models import PracticumEntry

    client.force_login(world.users["trainee"])
    before = list(PracticumEntry.objects.order_by("pk").values_list("pk", "status"))
    response = client.post(
        reverse("practicum:submit", args=[world.placement.pk]), {"entry": junk}, follow=True
    )
    assert response.status_code == 200
    assert "Tick the entries you want to send first." in response.content.decode()
    assert list(PracticumEntry.objects.order_by("pk").values_list("pk", "status")) == before


@pytest.mark.parametrize("junk", NOT_NUMBERS)
def test_supervisor_decision_with_junk_ids_is_refused(world, client, junk):
    client.force_login(world.users["supervisor"])
    response = client.post(
        reverse("practicum:decide", args=[world.placement.pk]),
        {"entry": junk, "action": "approve", "comment": "Kept comment"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tick the entries you want to decide on first." in body
    assert "Kept comment" in body


@pytest.mark.parametrize("junk", NOT_NUMBERS)
def test_quiz_page_with_a_junk_check_position_saves_and_returns(world, client, junk):
    client.force_login(world.users["trainee"])
    response = client.post(reverse("learn:attempt", args=[world.attempt.key]), {"check": junk})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("junk", NOT_NUMBERS)
def test_marking_queue_and_break_page_ignore_junk_numbers(world, client, junk):
    client.force_login(world.users["trainer"])
    assert client.get(reverse("teach:marking"), {"quiz": junk, "cohort": junk}).status_code == 200
    client.force_login(world.users["trainee"])
    assert client.get(reverse("learn:break"), {"lesson": junk}).status_code == 200


def test_authenticator_codes_in_other_digits_are_simply_wrong():
    """compare_digest raised TypeError on "²²²²²²" (non-ASCII), a 500 at sign-in."""
    from lms.accounts import totp

    secret = "JBSWY3DPEHPK3PXP"
    assert totp.matching_step(secret, "²²²²²²") is None
    assert totp.matching_step(secret, "١٢٣٤٥٦") is None


def test_small_int_accepts_only_plain_digits_in_range():
    from lms.parsing import ids, small_int

    assert small_int("42") == 42
    assert small_int(" 7 ") == 7
    for junk in ["²", "①", "٣", "-1", "1.5", "", None, "9" * 40, str(2**31)]:
        assert small_int(junk) is None, junk
    assert ids(["3", "x", "²", "5"]) == [3, 5]


@pytest.mark.parametrize("field", ["activity", "domains"])
def test_a_practicum_entry_with_an_id_no_column_holds_keeps_what_was_typed(world, client, field):
    """Django's choice fields sent 9223372036854775808 to the database, which overflowed."""
    from certification.practicum.models import PracticumEntry

    client.force_login(world.users["trainee"])
    before = PracticumEntry.objects.count()
    data = {
        "date": "2026-01-05",
        "start_time": "09:00",
        "minutes": "60",
        "setting": "in_person",
        "activity": "1",
        "domains": "1",
        "description": "Kept description",
    }
    data[field] = str(2**63)
    response = client.post(reverse("practicum:entry_new", args=[world.placement.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body or "is not a valid value" in body
    assert "Kept description" in body
    assert PracticumEntry.objects.count() == before
