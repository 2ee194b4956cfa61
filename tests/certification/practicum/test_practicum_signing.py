"""Signing practicum records through the pages: nothing is ticked for anyone, each entry can
carry its own comment, a returned entry goes back only edited or with a reply, counts read
as people write them, and the progress bars use the version eligibility uses."""

import re

import pytest
from django.urls import reverse

from certification.credentials.services import credentials as credential_services
from certification.practicum.models import PracticumEntry
from certification.practicum.services import practicum as practicum_services
from certification.standards.models import Credential
from certification.standards.services import credentials as standards_credentials
from tests.factories import build_practicum
from tests.factories.accounts import PASSWORD

from .test_practicum_pages import entry_post, signed_in

pytestmark = pytest.mark.django_db

TICKED = re.compile(r'<input type="checkbox" name="entry"[^>]*\bchecked\b')


@pytest.fixture
def practicum(db):
    return build_practicum(week_of_entries=True)


def decide(client, practicum, data):
    return client.post(reverse("practicum:decide", args=[practicum.placement.pk]), data)


def status_of(entry):
    return PracticumEntry.objects.get(pk=entry.pk).status


def test_no_waiting_entry_is_ticked_and_an_untouched_post_signs_nothing(client, practicum):
    signed_in(client, practicum.supervisor)
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    body = page.content.decode()
    assert body.count('name="entry"') == 5
    assert not TICKED.search(body)
    # Pressing "Approve and sign" without ticking anything signs nothing.
    response = decide(client, practicum, {"action": "approve", "password": PASSWORD})
    assert response.status_code == 400
    assert "Tick the entries" in response.content.decode()
    assert not PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED).exists()


def test_counts_are_said_in_the_singular_and_the_plural(client, practicum):
    signed_in(client, practicum.supervisor)
    first, second, third = (e.pk for e in practicum.entries[:3])
    response = decide(client, practicum, {"entry": [first], "action": "approve"})
    page = client.get(response["Location"]).content.decode()
    assert "Approved and signed 1 entry." in page
    decide(client, practicum, {"entry": [second, third], "action": "approve"})
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert "Approved and signed 2 entries." in page.content.decode()
    fourth = practicum.entries[3].pk
    decide(client, practicum, {"entry": [fourth], "action": "return", "comment": "Add a domain."})
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert "Returned 1 entry." in page.content.decode()


def test_each_entry_keeps_its_own_comment_and_returning_needs_one(client, practicum):
    signed_in(client, practicum.supervisor)
    first, second, third = practicum.entries[:3]
    # Returning two entries, one without any comment: refused, nothing returned, typed kept.
    response = decide(
        client,
        practicum,
        {"entry": [first.pk, second.pk], "action": "return", f"comment-{first.pk}": "Which group?"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what needs changing" in body and "Which group?" in body
    assert status_of(first) == status_of(second) == PracticumEntry.Status.SUBMITTED

    response = decide(
        client,
        practicum,
        {
            "entry": [first.pk, second.pk],
            "action": "return",
            f"comment-{first.pk}": "Which group?",
            "comment": "Add the domain.",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decision_comment) == ("returned", "Which group?")
    assert (second.status, second.decision_comment) == ("returned", "Add the domain.")
    # A comment on an approval is kept with the signed entry.
    response = decide(
        client,
        practicum,
        {"entry": [third.pk], "action": "approve", f"comment-{third.pk}": "Well described."},
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert (third.status, third.decision_comment) == ("approved", "Well described.")
    assert third.content_hash == third.compute_hash()


def test_a_returned_entry_goes_back_only_when_edited_or_with_a_reply(client, practicum):
    first, second = practicum.entries[:2]
    practicum_services.return_entries(
        supervisor=practicum.supervisor,
        entry_ids=[first.pk, second.pk],
        comment="Say which setting this was.",
    )
    signed_in(client, practicum.trainee)
    placement_url = reverse("practicum:placement", args=[practicum.placement.pk])
    page = client.get(placement_url).content.decode()
    assert "Say which setting this was." in page
    assert not TICKED.search(page)

    send = reverse("practicum:submit", args=[practicum.placement.pk])
    # Unchanged and without a reply: refused, nothing sent, the ticks kept.
    response = client.post(send, {"entry": [first.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Edit it, or write a reply" in body
    assert len(TICKED.findall(body)) == 1
    assert status_of(first) == PracticumEntry.Status.RETURNED

    # With a reply it goes back, and the supervisor reads the reply beside it.
    reply = "It was the community drop-in; the setting is right."
    response = client.post(send, {"entry": [first.pk], f"reply-{first.pk}": reply})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == PracticumEntry.Status.SUBMITTED and first.trainee_reply == reply
    signed_in(client, practicum.supervisor)
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert reply in page.content.decode()

    # Edited, it goes back without a reply.
    signed_in(client, practicum.trainee)
    edit = reverse("practicum:entry_edit", args=[practicum.placement.pk, second.pk])
    from .test_practicum_pages import activity_pk

    data = entry_post(
        date=second.date.isoformat(),
        start_time=second.start_time.strftime("%H:%M"),
        minutes=str(second.minutes),
        activity=activity_pk("group"),
        setting="housing",
    )
    assert client.post(edit, data).status_code == 302
    assert status_of(second) == PracticumEntry.Status.DRAFT
    assert client.post(send, {"entry": [second.pk]}).status_code == 302
    assert status_of(second) == PracticumEntry.Status.SUBMITTED


def test_a_reply_with_identifying_details_is_refused_and_kept(client, practicum):
    entry = practicum.entries[0]
    practicum_services.return_entry(
        supervisor=practicum.supervisor, entry_id=entry.pk, comment="Who was this with?"
    )
    signed_in(client, practicum.trainee)
    reply = "With Sam, born 03/04/1990."
    response = client.post(
        reverse("practicum:submit", args=[practicum.placement.pk]),
        {"entry": [entry.pk], f"reply-{entry.pk}": reply},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "identifying details" in body and "born 03/04/1990" in body
    assert status_of(entry) == PracticumEntry.Status.RETURNED


def test_the_practicum_page_counts_against_the_pinned_version(client, practicum):
    """Eligibility assesses a trainee against the version they are pinned to; the practicum
    pages of trainee and supervisor show the same targets, not the current version's."""
    credential = Credential.objects.get(code=practicum.placement.credential_code)
    credential_services.pin_credential(trainee=practicum.trainee, credential=credential)
    pinned = float(credential.current_version.experience_hours)
    newer = pinned + 40
    standards_credentials.save_credential_version(
        credential=credential, actor=None, rules={"experience_hours": newer}
    )
    eligibility = credential_services.check_eligibility(
        trainee=practicum.trainee, credential_code=credential.code
    )
    assert float(eligibility.version.experience_hours) == pinned
    target = f"of {pinned:g} hours"
    signed_in(client, practicum.trainee)
    page = client.get(reverse("practicum:placement", args=[practicum.placement.pk]))
    assert target in page.content.decode() and f"of {newer:g} hours" not in page.content.decode()
    signed_in(client, practicum.supervisor)
    page = client.get(reverse("practicum:supervise", args=[practicum.placement.pk]))
    assert target in page.content.decode() and f"of {newer:g} hours" not in page.content.decode()
