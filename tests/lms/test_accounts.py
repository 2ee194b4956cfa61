"""Accounts: registration, invitations, throttled sign-in, password reset, profile."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.accounts.models import Invitation, Membership, User
from tests.factories import InvitationFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def register(client, *, follow=False, remote_addr="127.0.0.1", **overrides):
    data = {
        "email": "new.trainee@example.org",
        "legal_name": "Riley Morgan",
        "preferred_name": "Riley",
        "pronouns": "she/her",
        "password1": "quiet-river-morning",
        "password2": "quiet-river-morning",
    }
    data.update(overrides)
    return client.post(reverse("accounts:register"), data, follow=follow, REMOTE_ADDR=remote_addr)


def link_in(message, path: str) -> str:
    match = re.search(rf"http://testserver({path}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def test_open_registration_confirms_the_address_before_the_account_works(
    client, site, django_capture_on_commit_callbacks
):
    """A newcomer registers with names and pronouns, is told to check their email (not
    signed in: the answer must not differ for an address that has an account), confirms
    the address from the emailed link with one button, then signs in. (Registration used
    to sign in at once, which told anyone whether an address had an account.)"""
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_sent")
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="new.trainee@example.org")
    assert (user.legal_name, user.preferred_name, user.pronouns) == (
        "Riley Morgan",
        "Riley",
        "she/her",
    )
    assert (user.is_active, user.awaiting_confirmation) == (False, True)
    credentials = {"username": user.email, "password": "quiet-river-morning"}
    assert client.post(reverse("accounts:login"), credentials).status_code == 200  # not yet
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.trainee@example.org"]
    assert "Riley" not in mail.outbox[0].subject
    link = link_in(mail.outbox[0], "/accounts/register/confirm/")
    opened = client.get(link)
    # The token leaves the address bar at once (and with it access logs and history).
    assert opened.status_code == 302
    assert opened["Location"] == reverse("accounts:confirm_registration")
    page = client.get(opened["Location"])
    assert page.status_code == 200 and "new.trainee@example.org" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # a GET (a link scanner's) confirms nothing
    confirmed = client.post(opened["Location"])
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("accounts:login")
    assert (
        "learning page then shows where to start"
        in client.get(reverse("accounts:login")).content.decode()
    )
    # Signed in, a new learner lands on their learning page, which says where to start.
    signed_in = client.post(reverse("accounts:login"), credentials)
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("learn:dashboard")
    start = client.get(signed_in["Location"]).content.decode()
    assert "You are not on a course yet" in start and "most people begin with" in start
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert "Hello, Riley" in profile.content.decode()
    # The link works once.
    client.logout()
    client.get(link)
    assert client.get(reverse("accounts:confirm_registration")).status_code == 404


def test_weak_password_is_refused_with_message_and_keeps_what_was_typed(client, site):
    """Django's validators apply; the form comes back with the typed names still there."""
    response = register(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    body = response.content.decode()
    assert "This password is too short" in body
    assert "This password is entirely numeric" in body
    assert 'value="Riley Morgan"' in body
    assert 'value="new.trainee@example.org"' in body
    assert not User.objects.filter(email="new.trainee@example.org").exists()


def without_csrf(response) -> str:
    body = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def assert_alike(first, second):
    """Same status, same redirects, same final page apart from the CSRF token."""
    assert first.status_code == second.status_code
    assert first.redirect_chain == second.redirect_chain
    assert without_csrf(first) == without_csrf(second)


def test_registration_answers_alike_for_an_existing_and_a_new_address(
    client, site, django_capture_on_commit_callbacks
):
    """Whether an address has an account is never shown (on a recovery platform, having one
    is itself sensitive): the same status and page for both; the existing address gets an
    email saying someone tried (with sign-in and reset links) and nothing about its account
    changes; the new one gets its confirmation link. (This used to say "An account with
    this email address already exists".)"""
    taken = UserFactory(email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        existing = register(client, email="TAKEN@example.org ", follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        new = register(client, email="fresh@example.org", follow=True)
    assert existing.status_code == 200
    assert_alike(existing, new)
    assert "Check your email" in existing.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    taken.refresh_from_db()
    assert taken.check_password(PASSWORD) and taken.legal_name != "Riley Morgan"
    tried, confirm = mail.outbox
    assert tried.to == ["taken@example.org"]
    assert "already have an account" in tried.body
    assert link_in(tried, "/accounts/login/") and link_in(tried, "/accounts/password-reset/")
    assert confirm.to == ["fresh@example.org"]
    assert link_in(confirm, "/accounts/register/confirm/")


def test_registering_again_before_confirming_replaces_the_waiting_details(
    client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    with django_capture_on_commit_callbacks(execute=True):
        register(
            client,
            legal_name="Riley Ann Morgan",
            password1="lucky-otter-river-99",
            password2="lucky-otter-river-99",
        )
    user = User.objects.get(email="new.trainee@example.org")
    assert user.legal_name == "Riley Ann Morgan" and user.check_password("lucky-otter-river-99")
    first, second = (link_in(m, "/accounts/register/confirm/") for m in mail.outbox)
    client.get(first)
    assert client.get(reverse("accounts:confirm_registration")).status_code == 404  # superseded
    client.get(second)
    assert client.post(reverse("accounts:confirm_registration")).status_code == 302
    user.refresh_from_db()
    assert user.is_active and not user.awaiting_confirmation


def test_password_reset_answers_alike_and_sends_from_the_outbox(
    client, site, django_capture_on_commit_callbacks
):
    """A known and an unknown address get the same status and page. The email is not sent
    inside the request: the outbox row holds the user's id, never the link or token, and
    the worker makes the link."""
    from lms.audit.models import OutboxMessage

    user = UserFactory(email="forgetful@example.org")
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        known = client.post(url, {"email": "Forgetful@Example.org"}, follow=True)
    assert mail.outbox == []  # queued, not sent, when the answer went
    message = OutboxMessage.objects.get()
    assert message.task == "lms.accounts.tasks.send_password_reset_task"
    assert message.args == [user.pk]
    with django_capture_on_commit_callbacks(execute=False) as more:
        unknown = client.post(url, {"email": "nobody@example.org"}, follow=True)
    assert_alike(known, unknown)
    # The same work for an unknown address (so the same time): a message for nobody.
    assert OutboxMessage.objects.exclude(pk=message.pk).get().args == [0]
    for callback in [*callbacks, *more]:
        callback()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["forgetful@example.org"]
    assert link_in(mail.outbox[0], "/accounts/password-reset/")


@pytest.mark.parametrize("flow", ["register", "password_reset"])
def test_registration_and_reset_are_limited_per_address_and_per_client(
    client, site, settings, flow
):
    """Each sends an email: a few per address, more per client address, then a 429 with a
    message (alike for existing and unknown addresses), what was typed kept."""
    from django.core.cache import cache

    cache.clear()
    settings.PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_ADDRESS = 2
    settings.PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_CLIENT = 6
    UserFactory(email="known@example.org")

    def send(email, address="192.0.2.1"):
        if flow == "register":
            return register(client, email=email, remote_addr=address)
        return client.post(
            reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address
        )

    for email in ("known@example.org", "unknown@example.org"):
        assert send(email).status_code == 302
        assert send(email.upper()).status_code == 302
        limited = send(f" {email} ")
        assert limited.status_code == 429
        assert "too many requests" in limited.content.decode()
        assert email in limited.content.decode()
    # Per client: six requests counted so far from 192.0.2.1 (the limited ones too).
    assert send("third@example.org").status_code == 429
    assert send("third@example.org", address="198.51.100.7").status_code == 302


def test_closed_registration_explains_invitation_only(client, site, settings):
    settings.PEERPATH_OPEN_REGISTRATION = False
    response = register(client)
    assert response.status_code == 403
    assert "by invitation only" in response.content.decode()
    assert not User.objects.filter(email="new.trainee@example.org").exists()


def invitation_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_org_admin_invites_and_invitee_joins_once(
    client, site, organisation, org_admin, django_capture_on_commit_callbacks
):
    """An organisation admin sends an invitation; the link creates the account with the role,
    works once, and a second use is refused with a clear message."""
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            organisation.get_absolute_url(), {"email": "Ali@Example.org", "role": "supervisor"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ali@example.org"]
    assert "Ali" not in mail.outbox[0].subject  # subjects never name the person
    link = invitation_link(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None

    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "join as a supervisor" in page.content.decode()
    response = client.post(
        reverse("accounts:invitation"),
        {
            "legal_name": "Ali Hassan",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
        },
    )
    assert response.status_code == 302
    ali = User.objects.get(email="ali@example.org")
    assert Membership.objects.filter(
        user=ali, organisation=organisation, role="supervisor"
    ).exists()

    client.logout()
    reused = client.get(link, follow=True)
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()
    assert User.objects.filter(email="ali@example.org").count() == 1


def test_expired_invitation_is_refused(client, site):
    invitation = InvitationFactory(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(invitation.get_absolute_url(), follow=True)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    post = client.post(
        invitation.get_absolute_url(),
        {
            "legal_name": "Late Person",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
        },
    )
    assert post.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_forged_invitation_link_is_refused(client, site):
    InvitationFactory()
    response = client.get(
        reverse("accounts:accept_invitation", kwargs={"key": "not-a-real-key"}), follow=True
    )
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_signed_in_user_accepts_invitation_for_their_own_address_only(client, site, organisation):
    mine = UserFactory(email="me@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="me@example.org", role="trainer"
    )
    other = InvitationFactory(organisation=organisation, email="someone.else@example.org")
    client.force_login(mine)
    refused = client.post(other.get_absolute_url())
    assert refused.status_code == 409
    assert "different email address" in refused.content.decode()
    accepted = client.post(invitation.get_absolute_url())
    assert accepted.status_code == 302
    assert Membership.objects.filter(user=mine, role="trainer").exists()
    other.refresh_from_db()
    assert other.accepted_at is None


def test_only_organisation_admins_manage_invitations(client, site, organisation, trainee):
    client.force_login(trainee)
    response = client.post(
        organisation.get_absolute_url(), {"email": "x@example.org", "role": "trainee"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert "You do not have access" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, site):
    """Five wrong passwords lock the account from that address, with a clear message;
    even the right password is refused until the cool-off ends."""
    user = UserFactory(email="learner@example.org")
    url = reverse("accounts:login")
    for attempt in range(5):
        response = client.post(url, {"username": user.email, "password": "wrong-password"})
        assert response.status_code == (429 if attempt == 4 else 200)
    locked = client.post(url, {"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_message_is_clear_and_keeps_email(client, site):
    UserFactory(email="learner@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "learner@example.org", "password": "nope-nope"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "do not match an account" in body
    assert 'value="learner@example.org"' in body


def test_sign_in_is_case_insensitive_on_email(client, site):
    UserFactory(email="learner@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "Learner@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_password_reset_by_email(client, site, django_capture_on_commit_callbacks):
    """The email is sent through the outbox once the request's transaction commits. The
    link's first GET swaps its token for the session (Django's set-password step), so the
    address the log keeps has no token."""
    user = UserFactory(email="forgetful@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "forgetful@example.org"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body
    ).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    assert token not in set_url and set_url.endswith("/set-password/")
    done = client.post(
        set_url, {"new_password1": "brand-new-meadow", "new_password2": "brand-new-meadow"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-meadow")


def test_profile_updates_preferred_name_and_pronouns(client, site, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("accounts:profile"),
        {"legal_name": trainee.legal_name, "preferred_name": "Jo", "pronouns": "they/them"},
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert (trainee.preferred_name, trainee.pronouns) == ("Jo", "they/them")


def test_profile_requires_sign_in(client, site):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_refuses_blank_legal_name_and_keeps_the_other_fields(client, site, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("accounts:profile"),
        {"legal_name": "", "preferred_name": "Jo", "pronouns": "ze/zir"},
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert 'value="ze/zir"' in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.pronouns != "ze/zir"


def test_wagtail_admin_creates_and_edits_our_user_model(client, site, superuser):
    """The custom user (legal and preferred names, pronouns) works in Wagtail's user admin."""
    client.force_login(superuser)
    assert client.get("/admin/users/").status_code == 200
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "admin.made@example.org",
            "legal_name": "Admin Made",
            "preferred_name": "AM",
            "pronouns": "he/him",
            "password1": "solid-granite-hill",
            "password2": "solid-granite-hill",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = User.objects.get(email="admin.made@example.org")
    assert made.legal_name == "Admin Made"
    edit = client.get(f"/admin/users/edit/{made.pk}/")
    assert edit.status_code == 200
    assert 'value="Admin Made"' in edit.content.decode()


def test_trainers_cannot_manage_users_or_site_settings(client, site, trainer, registrar):
    """Trainers reach the admin but not users or settings; registrars manage organisations."""
    client.force_login(trainer)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/users/").status_code in (302, 403)
    assert client.get("/admin/settings/cms/supportsettings/").status_code in (302, 403)
    assert client.get("/admin/organisation/").status_code in (302, 403)
    client.force_login(registrar)
    assert client.get("/admin/organisation/").status_code == 200
    assert client.get("/admin/users/").status_code in (302, 403)


def test_invitation_for_an_existing_account_asks_to_sign_in_first(client, site, organisation):
    UserFactory(email="known@example.org")
    invitation = InvitationFactory(organisation=organisation, email="known@example.org")
    response = client.post(
        invitation.get_absolute_url(),
        {
            "legal_name": "Known Person",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
        },
    )
    assert response.status_code == 409
    assert "Sign in, then open the invitation link again" in response.content.decode()
    assert User.objects.filter(email="known@example.org").count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_case_and_spacing_variants_share_one_lockout(client, site):
    """django-axes counts failures per username: five wrong passwords under five spellings
    of one address (case, spaces) lock the account for every spelling, the stored one and
    the right password included."""
    UserFactory(email="learner@example.org")
    url = reverse("accounts:login")
    spellings = [
        "Learner@example.org",
        " learner@example.org",
        "LEARNER@EXAMPLE.ORG ",
        "learner@Example.Org",
        "  LeArNeR@example.org  ",
    ]
    for attempt, spelling in enumerate(spellings):
        response = client.post(url, {"username": spelling, "password": "wrong-password"})
        assert response.status_code == (429 if attempt == 4 else 200), spelling
    for spelling in ["learner@example.org", "LEARNER@example.org", " Learner@Example.ORG"]:
        locked = client.post(url, {"username": spelling, "password": PASSWORD})
        assert locked.status_code == 429, spelling
        assert "_auth_user_id" not in client.session


def test_the_invitation_link_swaps_its_key_for_the_session(client, site, organisation):
    """The emailed link's first GET stores the key in the session and redirects to a
    key-less address, so the access log, the browser's history and any Referer hold the
    key once at most; the key-less page accepts the invitation."""
    invitation = InvitationFactory(organisation=organisation, role="trainee")
    opened = client.get(invitation.get_absolute_url())
    assert opened.status_code == 302
    assert opened["Location"] == reverse("accounts:invitation")
    assert invitation.key not in opened["Location"]
    page = client.get(opened["Location"])
    assert page.status_code == 200 and invitation.key not in page.content.decode()
    response = client.post(
        opened["Location"],
        {
            "legal_name": "Ali Hassan",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email=invitation.email, role="trainee").exists()
    # Without a key in the session, the key-less page has nothing to show.
    client.logout()
    assert client.get(reverse("accounts:invitation")).status_code == 404


def test_an_invitation_completes_a_registration_never_confirmed(
    client, site, organisation, django_capture_on_commit_callbacks
):
    """The invitation link was sent to the address, so it confirms it: an account waiting
    for confirmation takes the details typed now and joins (it is not "already taken")."""
    with django_capture_on_commit_callbacks(execute=True):
        register(client, email="waiting@example.org")
    invitation = InvitationFactory(organisation=organisation, email="waiting@example.org")
    client.get(invitation.get_absolute_url())
    response = client.post(
        reverse("accounts:invitation"),
        {
            "legal_name": "Waiting Person",
            "password1": "steady-lantern-evening",
            "password2": "steady-lantern-evening",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="waiting@example.org")
    assert (user.is_active, user.awaiting_confirmation, user.legal_name) == (
        True,
        False,
        "Waiting Person",
    )
    assert user.check_password("steady-lantern-evening")
    assert Membership.objects.filter(user=user, organisation=organisation).exists()
