"""Writes that touch people and organisations. Keyword-only, atomic, side effects on commit."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lms.site import absolute_url

from . import totp
from .exceptions import (
    InvitationEmailMismatchError,
    InvitationExpiredError,
    InvitationInvalidError,
    InvitationNeedsSignInError,
    InvitationUsedError,
    RegistrationClosedError,
    TwoFactorError,
    TwoFactorLockedError,
)
from .models import (
    Invitation,
    Membership,
    Organisation,
    TOTPDevice,
    User,
    normalise_email,
)
from .permissions import is_registrar, is_trainer, role_facts
from .signals import invitation_accepted

# Membership roles held to two-factor authentication, besides registrars and trainers
# (`requires_two_factor`).
TWO_FACTOR_ROLES = (Membership.Role.SUPERVISOR, Membership.Role.ORG_ADMIN)


def lockout_username(request, credentials=None) -> str:
    """The username django-axes counts failures against (AXES_USERNAME_CALLABLE): the
    normalised address, so "Ana@X.org " and "ana@x.org" share one count."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return normalise_email(credentials[field])
    return normalise_email(request.POST.get(field, "") if request is not None else "")


@transaction.atomic
def register_trainee(
    *, email: str, legal_name: str, password: str, preferred_name: str = "", pronouns: str = ""
) -> None:
    """Open registration, answering alike whether or not the address has an account (having
    one on a recovery platform is itself sensitive). A new address gets an account that
    waits, inactive, for its owner to confirm it from an email (so nobody can hold an
    account in someone else's name); an address already registered gets an email saying
    someone tried, with the way to sign in or reset. One email is queued either way, and
    nobody is signed in. Refused when registration is closed."""
    if not settings.PEERPATH_OPEN_REGISTRATION:
        raise RegistrationClosedError()
    from .tasks import send_registration_email_task

    email = normalise_email(email)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = _create_user(
                    email=email,
                    legal_name=legal_name,
                    password=password,
                    preferred_name=preferred_name,
                    pronouns=pronouns,
                    is_active=False,
                    awaiting_confirmation=True,
                )
        except (IntegrityError, ValidationError):
            # Registered by another request a moment ago: answer as for an existing address.
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                raise
    elif user.awaiting_confirmation:
        # Registered again before confirming: the newest details, and a new link (the old
        # one stops working with the old password).
        _set_details(user, legal_name, preferred_name, pronouns, password)
    else:
        # Hash the password all the same, so the answer takes as long as for a new address.
        make_password(password)
    _enqueue(send_registration_email_task, user.pk)


def send_registration_email(*, user_id: int) -> bool:
    """The email registration promised: a confirmation link for an account waiting for one
    (built here, in the worker, never in a task argument), else a note that someone tried
    to register with the address. Returns whether an email went out."""
    from .tokens import make_confirmation_token

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    context = {"user": user}
    if user.awaiting_confirmation:
        token = make_confirmation_token(user)
        context["url"] = absolute_url(reverse("accounts:confirm_registration_link", args=[token]))
        context["days"] = max(1, settings.PEERPATH_REGISTRATION_CONFIRM_SECONDS // 86400)
        template = "accounts/email/registration_confirm"
    else:
        context["sign_in_url"] = absolute_url(reverse("accounts:login"))
        context["reset_url"] = absolute_url(reverse("accounts:password_reset"))
        template = "accounts/email/registration_exists"
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    send_mail(subject, render_to_string(f"{template}.txt", context), None, [user.email])
    return True


@transaction.atomic
def confirm_registration(*, user: User) -> User:
    """Activate an account whose owner followed the confirmation link. Idempotent."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.awaiting_confirmation:
        user.is_active, user.awaiting_confirmation = True, False
        user.save(update_fields=["is_active", "awaiting_confirmation"])
    return user


def request_password_reset(*, email: str) -> None:
    """Queue a reset email for each active account with a password at `email`: the answer
    is the same for an unknown address. The worker builds the link."""
    from django.contrib.auth.forms import PasswordResetForm

    from .tasks import send_password_reset_task

    with transaction.atomic():
        users = list(PasswordResetForm().get_users(normalise_email(email)))
        for user in users:
            _enqueue(send_password_reset_task, user.pk)
        if not users:
            # The same work for an unknown address (a row, a message to the broker; the
            # worker finds nobody), so the time the answer takes says nothing either.
            _enqueue(send_password_reset_task, 0)


def send_password_reset(*, user_id: int) -> bool:
    """Email a password-reset link, its token made here (never in a task argument). Returns
    whether an email went out."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme,
        "domain": site.netloc,
    }
    subject = render_to_string("accounts/email/password_reset_subject.txt", context).strip()
    body = render_to_string("accounts/email/password_reset.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


def _enqueue(task, *args) -> None:
    """Through the outbox: written in this transaction, sent after it commits, swept again
    if the broker was away; one connection attempt, so a broker that is away slows neither
    answer (and so tells nothing about the address)."""
    # The outbox lives in certification (the first app that needed one); importing it at
    # module level would load certification's models while this app's load.
    from lms.audit.services.outbox import enqueue_task

    enqueue_task(task, *args)


def _set_details(user, legal_name, preferred_name, pronouns, password) -> None:
    user.legal_name, user.preferred_name, user.pronouns = legal_name, preferred_name, pronouns
    user.set_password(password)
    user.full_clean()
    user.save()


def _create_user(*, email, legal_name, password, preferred_name="", pronouns="", **flags) -> User:
    user = User(
        email=email,
        legal_name=legal_name,
        preferred_name=preferred_name,
        pronouns=pronouns,
        **flags,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def create_invitation(
    *,
    organisation: Organisation,
    email: str,
    role: str = Membership.Role.TRAINEE,
    invited_by: User | None,
) -> Invitation:
    """Create an invitation and email its link once the transaction commits."""
    from .tasks import send_invitation_task

    invitation = Invitation(
        organisation=organisation,
        email=normalise_email(email),
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.PEERPATH_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    send_invitation_task.delay_on_commit(invitation.pk)
    return invitation


def send_invitation(*, invitation_id: int) -> bool:
    """Email an invitation link. Idempotent: an invitation already sent, accepted or
    expired is not sent again. Returns whether an email went out."""
    with transaction.atomic():
        invitation = (
            # Lock only the invitation row: its organisation and inviter are read, not changed.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at or invitation.is_accepted:
            return False
        if invitation.is_expired:
            return False
        context = {
            "invitation": invitation,
            "url": absolute_url(invitation.get_absolute_url()),
        }
        # The subject names the organisation only: never anything about the person.
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
        send_mail(subject, body, None, [invitation.email])
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


def _check_usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationInvalidError()
    if invitation.is_accepted:
        raise InvitationUsedError()
    if invitation.is_expired:
        raise InvitationExpiredError()
    return invitation


def get_valid_invitation(*, key: str) -> Invitation:
    """Return the invitation for a link, or raise an error that says what is wrong with it."""
    return _check_usable(Invitation.objects.select_related("organisation").filter(key=key).first())


@transaction.atomic
def accept_invitation(
    *,
    key: str,
    user: User | None = None,
    legal_name: str = "",
    password: str = "",
    preferred_name: str = "",
    pronouns: str = "",
) -> User:
    """Accept an invitation exactly once: as the signed-in user it was sent to, or by
    creating their account. Grants the membership the invitation names."""
    # Lock the row so two simultaneous clicks cannot both accept it.
    invitation = _check_usable(Invitation.objects.select_for_update().filter(key=key).first())
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            raise InvitationEmailMismatchError()
    else:
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is not None and user.awaiting_confirmation:
            # Registered but never confirmed: the invitation link, sent to the address,
            # confirms it; the details typed now replace the waiting ones.
            _set_details(user, legal_name, preferred_name, pronouns, password)
            confirm_registration(user=user)
        elif user is not None:
            # The address already has an account: it must sign in to accept.
            raise InvitationNeedsSignInError()
        else:
            user = _create_user(
                email=invitation.email,
                legal_name=legal_name,
                password=password,
                preferred_name=preferred_name,
                pronouns=pronouns,
            )
    Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    invitation_accepted.send(sender=Invitation, user=user, invitation=invitation)
    return user


def update_profile(*, user: User, preferred_name: str, pronouns: str, legal_name: str) -> User:
    """Update the names a person is shown by."""
    user.preferred_name = preferred_name
    user.pronouns = pronouns
    user.legal_name = legal_name
    user.full_clean()
    user.save(update_fields=["preferred_name", "pronouns", "legal_name"])
    return user


@transaction.atomic
def sync_role_groups() -> dict[str, int]:
    """Make the staff groups hold exactly the permissions in roles.py. Idempotent.
    Returns the number of permissions per group."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from .roles import ROLE_GROUPS, ROLE_PAGE_PERMISSIONS

    counts = {}
    for name, codes in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    for name, grants in ROLE_PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        for model_label, codenames in grants:
            model = apps.get_model(model_label)
            for page in model.objects.all():
                for codename in codenames:
                    GroupPagePermission.objects.get_or_create(
                        group=group,
                        page=page,
                        permission=Permission.objects.get(
                            content_type__app_label="wagtailcore", codename=codename
                        ),
                    )
    return counts


# Two-factor authentication ------------------------------------------------------------------


def requires_two_factor(user) -> bool:
    """Registrars, administrators, trainers, supervisors and organisation admins must use
    two-factor authentication: they issue and sign records others rely on, or hold power
    over other people's data (an organisation admin invites supervisors)."""
    if not user.is_authenticated:
        return False
    if is_registrar(user) or is_trainer(user):
        return True
    return bool(role_facts(user).roles() & set(TWO_FACTOR_ROLES))


def confirmed_device(user):
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return device


def has_second_factor(user) -> bool:
    """Whether the person has a second factor to give after the password: a confirmed
    authenticator app or a passkey. Either one satisfies the second step, for every role.
    From the role facts: no query once they are kept."""
    if not user.is_authenticated:
        return False
    facts = role_facts(user)
    return facts.has_device or facts.has_passkey


def has_confirmed_device(user) -> bool:
    """Whether the person has a confirmed authenticator (role facts: no query once kept)."""
    return role_facts(user).has_device


def needs_second_step(user) -> bool:
    """Whether signing in takes a second factor (or setting one up) after the password: the
    person has one, or their role requires one (PEERPATH_REQUIRE_TWO_FACTOR)."""
    if has_second_factor(user):
        return True
    return settings.PEERPATH_REQUIRE_TWO_FACTOR and requires_two_factor(user)


@transaction.atomic
def start_two_factor(*, user) -> TOTPDevice:
    """An unconfirmed device with a fresh secret (replacing an unconfirmed one)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device and device.confirmed:
        raise TwoFactorError("Two-factor authentication is already set up.")
    if device is None:
        device = TOTPDevice(user=user)
    device.secret = totp.new_secret()
    device.last_step = 0
    device.save()
    return device


@transaction.atomic
def confirm_two_factor(*, user, code: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed:
        raise TwoFactorError("Start setting up two-factor authentication first.")
    step = totp.matching_step(device.secret, code)
    if step is None:
        raise TwoFactorError(
            "That code does not match. Check the app shows Peerpath and try the newest code."
        )
    device.confirmed_at, device.last_step = timezone.now(), step
    device.save(update_fields=["confirmed_at", "last_step"])
    return device


def two_factor_locked(device: TOTPDevice, now=None) -> bool:
    """Whether wrong codes have locked the account's code step: AXES_FAILURE_LIMIT of them,
    the last less than AXES_COOLOFF_TIME ago (the limit and cool-off of passwords)."""
    now = now or timezone.now()
    return (
        device.failed_codes >= settings.AXES_FAILURE_LIMIT
        and device.last_failed_at is not None
        and now - device.last_failed_at < settings.AXES_COOLOFF_TIME
    )


def check_two_factor(*, user, code: str) -> bool:
    """Whether the code is valid now for the user's confirmed device (each code works once).

    Wrong codes are counted on the device row, for the account, wherever they are typed
    (the sign-in code step, re-authentication), so starting sign-in again or another worker
    process changes nothing; a right code clears the count. Raises TwoFactorLockedError when
    the count has reached the limit, this code included."""
    verdict = _check_code(user=user, code=code)
    if verdict is None:
        raise TwoFactorLockedError()
    return verdict


@transaction.atomic
def _check_code(*, user, code: str) -> bool | None:
    """True (right), False (wrong), None (locked). Commits the count before the caller raises."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    now = timezone.now()
    if two_factor_locked(device, now):
        return None
    if device.last_failed_at and now - device.last_failed_at >= settings.AXES_COOLOFF_TIME:
        device.failed_codes = 0  # the cool-off has passed since the last wrong code
    step = totp.matching_step(device.secret, code, after_step=device.last_step)
    if step is None:
        device.failed_codes += 1
        device.last_failed_at = now
        device.save(update_fields=["failed_codes", "last_failed_at"])
        return None if two_factor_locked(device, now) else False
    device.last_step, device.failed_codes, device.last_failed_at = step, 0, None
    device.save(update_fields=["last_step", "failed_codes", "last_failed_at"])
    return True


@transaction.atomic
def remove_two_factor(*, user) -> None:
    if requires_two_factor(user):
        raise TwoFactorError(
            "Your role needs two-factor authentication, so it cannot be switched off. "
            "To move to a new phone, ask an administrator to reset it."
        )
    TOTPDevice.objects.filter(user=user).delete()
