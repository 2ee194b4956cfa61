"""Passkeys (WebAuthn) as a second factor, beside the authenticator app, through the
maintained `webauthn` library (py_webauthn).

The relying party is the site: its ID and origin come from settings (PEERPATH_WEBAUTHN_RP_ID
and PEERPATH_WEBAUTHN_ORIGIN, else SITE_URL's host name and SITE_URL). Each ceremony's
challenge is kept in the session and used once. Registration and sign-in ask the
authenticator to verify the person (a PIN, a fingerprint, the phone's lock): with that, a
passkey is itself two factors, so it satisfies the second step for every role."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .exceptions import TwoFactorError
from .models import Passkey

CHALLENGE_KEY = "peerpath_passkey_challenge"
MAX_PASSKEYS = 10


def rp_id() -> str:
    return settings.PEERPATH_WEBAUTHN_RP_ID or urlsplit(settings.SITE_URL).hostname or "localhost"


def origin() -> str:
    site = urlsplit(settings.SITE_URL)
    return settings.PEERPATH_WEBAUTHN_ORIGIN or f"{site.scheme}://{site.netloc}"


def _keep_challenge(session, purpose: str, user_id: int, challenge: bytes) -> None:
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "user": user_id,
        "challenge": bytes_to_base64url(challenge),
    }


def _take_challenge(session, purpose: str, user_id: int) -> bytes:
    """The challenge this session was given for this ceremony; it works once."""
    held = session.pop(CHALLENGE_KEY, None)
    if not held or held.get("purpose") != purpose or held.get("user") != user_id:
        raise TwoFactorError(_("Start again: the passkey request was not found or was used."))
    return base64url_to_bytes(held["challenge"])


def registration_options(*, session, user) -> str:
    """The options (JSON) for the browser's navigator.credentials.create()."""
    existing = list(Passkey.objects.filter(user=user).values_list("credential_id", flat=True))
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name="Peerpath",
        user_id=str(user.pk).encode(),
        user_name=user.email,
        user_display_name=user.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in existing
        ],
    )
    _keep_challenge(session, "register", user.pk, options.challenge)
    return options_to_json(options)


@transaction.atomic
def add_passkey(*, session, user, credential: str, name: str = "") -> Passkey:
    """Verify the browser's answer to `registration_options` and keep the public key."""
    challenge = _take_challenge(session, "register", user.pk)
    if Passkey.objects.filter(user=user).count() >= MAX_PASSKEYS:
        raise TwoFactorError(_("You have the most passkeys one account may hold."))
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise TwoFactorError(
            _("The passkey could not be checked. Try again, or use an authenticator app.")
        ) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise TwoFactorError(_("This passkey is already registered."))
    return Passkey.objects.create(
        user=user,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name or "").strip()[:100] or _("Passkey"),
    )


def authentication_options(*, session, user) -> str:
    """The options (JSON) for navigator.credentials.get(), listing the user's passkeys."""
    allowed = [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
        for c in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    ]
    if not allowed:
        raise TwoFactorError(_("This account has no passkey. Use your authenticator app."))
    options = generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _keep_challenge(session, "authenticate", user.pk, options.challenge)
    return options_to_json(options)


@transaction.atomic
def check_sign_in(*, session, user, credential: str) -> Passkey:
    """Verify the browser's answer to `authentication_options` for `user`. Refuses a
    passkey of someone else, a replayed challenge and a counter that went backwards."""
    challenge = _take_challenge(session, "authenticate", user.pk)
    refused = TwoFactorError(_("That passkey was not accepted. Try again."))
    try:
        raw_id = json.loads(credential)["id"]
    except (ValueError, KeyError, TypeError) as error:
        raise refused from error
    passkey = Passkey.objects.select_for_update().filter(user=user, credential_id=raw_id).first()
    if passkey is None:
        raise refused
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise refused from error
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey
