"""Writes that touch people and organisations. Keyword-only, atomic, side effects on commit."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
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
)
from .models import Invitation, Membership, Organisation, TOTPDevice, User
from .permissions import is_registrar


def register_trainee(
    *, email: str, legal_name: str, password: str, preferred_name: str = "", pronouns: str = ""
) -> User:
    """Create a trainee account through open registration. Refused when it is closed."""
    if not settings.PEERPATH_OPEN_REGISTRATION:
        raise RegistrationClosedError()
    return _create_user(
        email=email,
        legal_name=legal_name,
        password=password,
        preferred_name=preferred_name,
        pronouns=pronouns,
    )


def _create_user(*, email, legal_name, password, preferred_name="", pronouns="") -> User:
    user = User(
        email=email,
        legal_name=legal_name,
        preferred_name=preferred_name,
        pronouns=pronouns,
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
        email=User.objects.normalize_email(email).lower(),
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
        if user is not None:
            # The address already has an account: it must sign in to accept.
            raise InvitationNeedsSignInError()
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
    """Registrars, administrators and supervisors must use two-factor authentication: they
    issue and sign records others rely on."""
    if not user.is_authenticated:
        return False
    if is_registrar(user):
        return True
    return user.memberships.filter(role=Membership.Role.SUPERVISOR).exists()


def confirmed_device(user):
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return device


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


@transaction.atomic
def check_two_factor(*, user, code: str) -> bool:
    """Whether the code is valid now for the user's confirmed device (each code works once)."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    step = totp.matching_step(device.secret, code, after_step=device.last_step)
    if step is None:
        return False
    device.last_step = step
    device.save(update_fields=["last_step"])
    return True


@transaction.atomic
def remove_two_factor(*, user) -> None:
    if requires_two_factor(user):
        raise TwoFactorError(
            "Your role needs two-factor authentication, so it cannot be switched off. "
            "To move to a new phone, ask an administrator to reset it."
        )
    TOTPDevice.objects.filter(user=user).delete()
