"""Supervisors who join in minutes, through HTTP: a trainee (or the host's admin) invites a
supervisor by email through the outbox; the link works once and until it expires, and its
token is stored only as a digest and never logged; joining makes the account, the supervisor
role and the placement; the qualification is held until the host's admin or a registrar
approves it, and until then what the supervisor signs is kept but not counted. An admin of
one host never acts for another."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.practicum.models import (
    ActivityType,
    Placement,
    PlacementSupervisor,
    PracticumEntry,
    SupervisorInvitation,
)
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency, Domain
from lms.accounts.models import Membership, Organisation, User
from lms.audit.models import AuditEvent
from lms.audit.models.outbox import OutboxMessage
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, build_practicum
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def world(db):
    """Frameworks and activities loaded; a trainee with no placement; two hosts, each with
    an admin."""
    practicum = build_practicum()
    host = practicum.host
    other_host = OrganisationFactory(
        name="Eastgate Recovery Hub", slug="eastgate-hub", kind=Organisation.Kind.PLACEMENT_HOST
    )
    admin = UserFactory(legal_name="Helen Okafor")
    MembershipFactory(user=admin, organisation=host, role=Membership.Role.ORG_ADMIN)
    other_admin = UserFactory(legal_name="Ezra Eastgate")
    MembershipFactory(user=other_admin, organisation=other_host, role=Membership.Role.ORG_ADMIN)
    trainee = UserFactory(legal_name="Riley Brook", preferred_name="Riley")
    return {
        "host": host,
        "other_host": other_host,
        "admin": admin,
        "other_admin": other_admin,
        "trainee": trainee,
    }


def invite(client, world, *, email="casey.supervisor@example.org", **extra):
    today = timezone.localdate()
    data = {
        "host": world["host"].pk,
        "name": "Casey Morgan",
        "email": email,
        "job_role": "Peer support lead",
        "qualification": "Certified Peer Recovery Specialist",
        "starts_on": (today - timedelta(days=20)).isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        **extra,
    }
    return client.post(reverse("practicum:invite_supervisor"), data)


def link_from(message) -> str:
    return re.search(r"https?://\S+/practicum/join/\S+/", message.body).group(0)


def join(client, link, **extra):
    """Open the emailed link as a stranger and join; returns the form's response."""
    path = link.split("testserver", 1)[-1]
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == reverse("practicum:join")
    data = {
        "legal_name": "Casey Morgan",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "qualification": "Certified Peer Recovery Specialist",
        "qualification_expires": (timezone.localdate() + timedelta(days=365)).isoformat(),
        "file": SimpleUploadedFile("certificate.png", PNG, content_type="image/png"),
        **extra,
    }
    return client.post(reverse("practicum:join"), data)


def invited_and_joined(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["trainee"])
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, world).status_code == 302
    client.logout()
    link = link_from(mail.outbox[-1])
    response = join(client, link)
    assert response.status_code == 302, response.content.decode()[:2000]
    return link, User.objects.get(email="casey.supervisor@example.org")


def test_a_trainee_invites_a_supervisor_who_joins_through_the_link(
    client, world, django_capture_on_commit_callbacks
):
    """The email goes through the outbox with the link; only a digest of its token is stored,
    and the token is in no task argument or audit event. Joining creates the account, the
    supervisor role at the host and the placement, with the qualification held; then the
    second factor is next."""
    client.force_login(world["trainee"])
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, world)
    assert response.status_code == 302
    invitation = SupervisorInvitation.objects.get()
    assert invitation.trainee == world["trainee"] and invitation.sent_at
    assert OutboxMessage.objects.filter(task__endswith="send_onboarding_invitations_task").exists()
    (message,) = mail.outbox
    assert message.to == ["casey.supervisor@example.org"]
    assert "Harbour Lights" in message.subject and "Riley" in message.body
    link = link_from(message)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_sha256 and token not in invitation.token_sha256
    logged = [str(m.args) for m in OutboxMessage.objects.all()]
    logged += [f"{e.before} {e.after}" for e in AuditEvent.objects.all()]
    assert not any(token in text for text in logged)

    client.logout()
    response = join(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    supervisor = User.objects.get(email="casey.supervisor@example.org")
    assert supervisor.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(
        user=supervisor, organisation=world["host"], role=Membership.Role.SUPERVISOR
    ).exists()
    placement = Placement.objects.get(trainee=world["trainee"])
    link_row = placement.supervisor_links.get()
    assert link_row.supervisor == supervisor and link_row.held
    assert link_row.qualification_expires == timezone.localdate() + timedelta(days=365)
    assert link_row.invitation.qualification_file.name.endswith(".png")
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Set up a passkey" in page and "authenticator app" in page


def test_the_link_works_once_and_not_after_it_expires(
    client, world, django_capture_on_commit_callbacks
):
    link, _supervisor = invited_and_joined(client, world, django_capture_on_commit_callbacks)
    stranger = type(client)()
    again = join(stranger, link)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert User.objects.filter(email="casey.supervisor@example.org").count() == 1

    # A second invitation, expired before it is used.
    client.force_login(world["trainee"])
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world, email="late@example.org")
    late = link_from(mail.outbox[-1])
    SupervisorInvitation.objects.filter(email="late@example.org").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = join(type(client)(), late)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()
    forged = join(type(client)(), "http://testserver/practicum/join/not-a-real-token/")
    assert forged.status_code == 404


def test_a_wrong_upload_or_missing_qualification_is_refused_at_its_field(
    client, world, django_capture_on_commit_callbacks
):
    """Checked like every upload (content against extension): everything typed is kept,
    nothing is created."""
    client.force_login(world["trainee"])
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    client.logout()
    link = link_from(mail.outbox[-1])
    disguised = SimpleUploadedFile("certificate.pdf", PNG, content_type="application/pdf")
    response = join(client, link, file=disguised)
    page = response.content.decode()
    assert response.status_code == 400
    assert "content is not a PDF file" in page
    assert 'value="Casey Morgan"' in page
    empty = join(client, link, qualification="")
    assert empty.status_code == 400 and "field--error" in empty.content.decode()
    assert not User.objects.filter(email="casey.supervisor@example.org").exists()
    assert SupervisorInvitation.objects.get().accepted_at is None


def test_the_same_supervisor_twice_for_one_placement_is_refused_at_the_field(client, world):
    client.force_login(world["trainee"])
    assert invite(client, world).status_code == 302
    response = invite(client, world)
    assert response.status_code == 400
    assert "Already invited" in response.content.decode()
    own = invite(client, world, email=world["trainee"].email)
    assert own.status_code == 400 and "cannot supervise their own" in own.content.decode()


def _sign_an_entry_and_a_rating(placement, supervisor):
    trainee = placement.trainee
    for person in (trainee, supervisor):
        practicum_services.accept_agreement(placement_id=placement.pk, user=person)
    entry = practicum_services.save_entry(
        trainee=trainee,
        placement_id=placement.pk,
        date=timezone.localdate() - timedelta(days=2),
        start_time=time(9, 0),
        minutes=120,
        setting=PracticumEntry.Setting.COMMUNITY,
        activity=ActivityType.objects.get(code="one_to_one"),
        description="Supported a person to prepare for a housing appointment.",
        domains=[Domain.objects.get(framework__slug="icrc-pr", code="recovery")],
    )
    practicum_services.submit_entries(trainee=trainee, entry_ids=[entry.pk])
    practicum_services.approve_entries(supervisor=supervisor, entry_ids=[entry.pk])
    competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code="III.3")
    request = supervision_services.request_signoff(
        trainee=trainee,
        placement_id=placement.pk,
        competency_id=competency.pk,
        account="Listened and planned next steps with a peer in the group.",
    )
    supervision_services.rate_signoff(
        supervisor=supervisor, request_id=request.pk, rating="competent", comment="Seen twice."
    )
    return "samhsa-pw-2015/III.3"


def test_signatures_are_held_until_the_qualification_is_approved(
    client, world, django_capture_on_commit_callbacks
):
    """Held: the entry and the rating are kept, shown as held, and count nowhere eligibility
    looks (hours, competencies); an admin of another host cannot approve; the host's admin
    approves (with the password) and both count."""
    _link, supervisor = invited_and_joined(client, world, django_capture_on_commit_callbacks)
    placement = Placement.objects.get(trainee=world["trainee"])
    code = _sign_an_entry_and_a_rating(placement, supervisor)
    trainee, credential = world["trainee"], placement.credential_code

    totals = practicum_services.credential_totals(trainee=trainee, credential_code=credential)
    assert totals["minutes"] == 0 and totals["held_minutes"] == 120
    achieved = supervision_services.achieved_competencies(
        trainee=trainee, credential_code=credential
    )
    assert code not in achieved
    client.force_login(trainee)
    page = client.get(reverse("practicum:placement", args=[placement.pk])).content.decode()
    assert "held until the qualification is approved" in page

    link = placement.supervisor_links.get()
    approve = reverse("practicum:approve_qualification", args=[link.pk])
    for outsider in (world["other_admin"], trainee, supervisor):
        client.force_login(outsider)
        assert client.post(approve, {"password": PASSWORD}).status_code == 404
    client.force_login(world["other_admin"])
    assert (
        client.get(reverse("practicum:organisation", args=[world["host"].slug])).status_code == 404
    )
    assert client.get(reverse("practicum:qualification_file", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.held

    client.force_login(world["admin"])
    listing = client.get(reverse("practicum:organisation", args=[world["host"].slug]))
    assert "Casey Morgan" in listing.content.decode()
    evidence = client.get(reverse("practicum:qualification_file", args=[link.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == PNG
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve, {"password": PASSWORD})
    assert response.status_code == 302
    link.refresh_from_db()
    assert not link.held and link.qualification_decided_by == world["admin"]
    assert AuditEvent.objects.filter(action="supervisor.qualification_approved").count() == 1
    totals = practicum_services.credential_totals(trainee=trainee, credential_code=credential)
    assert totals["minutes"] == 120 and totals["held_minutes"] == 0
    assert code in supervision_services.achieved_competencies(
        trainee=trainee, credential_code=credential
    )


def test_approval_asks_for_the_password_after_the_window(
    client, world, django_capture_on_commit_callbacks, settings
):
    _link, _supervisor = invited_and_joined(client, world, django_capture_on_commit_callbacks)
    link = PlacementSupervisor.objects.get(qualification_status="held")
    settings.PEERPATH_REAUTH_SECONDS = 0
    client.force_login(world["admin"])
    url = reverse("practicum:approve_qualification", args=[link.pk])
    response = client.post(url, {"password": "wrong"})
    assert response.status_code == 400 and "not right" in response.content.decode()
    link.refresh_from_db()
    assert link.held


def test_a_registrar_approves_at_any_host_and_the_host_admin_invites_for_a_trainee(
    client, world, registrar, django_capture_on_commit_callbacks
):
    """The host's admin invites naming the trainee by email; a registrar approves."""
    client.force_login(world["admin"])
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practicum:organisation", args=[world["host"].slug]),
            {
                "trainee_email": world["trainee"].email,
                "host": world["host"].pk,
                "name": "Casey Morgan",
                "email": "casey.supervisor@example.org",
                "qualification": "CPRS",
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=30)).isoformat(),
            },
        )
    assert response.status_code == 302
    # The admin of another host cannot invite for this one.
    client.force_login(world["other_admin"])
    assert (
        client.post(reverse("practicum:organisation", args=[world["host"].slug]), {}).status_code
        == 404
    )
    client.logout()
    assert join(client, link_from(mail.outbox[-1])).status_code == 302
    link = PlacementSupervisor.objects.get(qualification_status="held")
    client.force_login(registrar)
    url = reverse("practicum:approve_qualification", args=[link.pk])
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    link.refresh_from_db()
    assert not link.held


def test_a_supervisor_who_joins_before_their_trainee_is_placed_when_the_trainee_joins(
    client, world, django_capture_on_commit_callbacks
):
    """A cohort upload invites both; either may join first."""
    from lms.accounts.services import accept_invitation, create_invitation

    client.force_login(world["admin"])
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("practicum:organisation", args=[world["host"].slug]),
            {
                "trainee_email": "newcomer@example.org",
                "host": world["host"].pk,
                "name": "Casey Morgan",
                "email": "casey.supervisor@example.org",
                "qualification": "CPRS",
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=30)).isoformat(),
            },
        )
    client.logout()
    assert join(client, link_from(mail.outbox[-1])).status_code == 302
    assert not Placement.objects.filter(host=world["host"], trainee__email="newcomer@example.org")
    invitation = create_invitation(
        organisation=world["host"], email="newcomer@example.org", invited_by=world["admin"]
    )
    newcomer = accept_invitation(key=invitation.key, legal_name="New Comer", password=NEW_PASSWORD)
    placement = Placement.objects.get(trainee=newcomer)
    assert placement.supervisor_links.get().held


def _pending_and_held(world, n, start=0):
    from certification.practicum.services import onboarding

    today = timezone.localdate()
    for i in range(start, start + n):
        onboarding.invite_supervisor(
            invited_by=world["admin"],
            host=world["host"],
            trainee_email=f"t{i}@example.org",
            name=f"Pending {i}",
            email=f"p{i}@example.org",
            qualification="CPRS",
            starts_on=today,
            ends_on=today + timedelta(days=30),
        )
        supervisor = UserFactory()
        MembershipFactory(
            user=supervisor, organisation=world["host"], role=Membership.Role.SUPERVISOR
        )
        placement = practicum_services.create_placement(
            trainee=UserFactory(),
            host=world["host"],
            supervisor=supervisor,
            qualification="CPRS",
            starts_on=today,
            ends_on=today + timedelta(days=30),
        )
        placement.supervisor_links.update(qualification_status="held")


def test_the_organisation_page_takes_the_same_queries_for_2_and_12_rows(
    client, world, django_assert_num_queries
):
    """Pending invitations and held qualifications, each listed in a fixed number of queries."""
    client.force_login(world["admin"])
    url = reverse("practicum:organisation", args=[world["host"].slug])
    _pending_and_held(world, 2)
    for _ in range(2):  # warm the session and caches (the first makes the settings rows)
        client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _pending_and_held(world, 10, start=2)
    # New memberships change roles: every process reads the admin's roles again once.
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries), (
        [q["sql"][:80] for q in small.captured_queries],
        [q["sql"][:80] for q in large.captured_queries],
    )
    assert page.content.decode().count("Approve the qualification") == 12
