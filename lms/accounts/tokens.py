"""The link that confirms a new account's email address.

A signed, timestamped token (Django's signing, salted for this use) of the user's id and a
digest of the account's state (password hash, waiting for confirmation): it stops working
once the address is confirmed or the registration is made again with a new password."""

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from .models import User

SALT = "peerpath.accounts.confirm-registration"


def _state(user) -> str:
    return salted_hmac(SALT, f"{user.pk}:{user.password}:{user.awaiting_confirmation}").hexdigest()


def make_confirmation_token(user) -> str:
    return signing.dumps([user.pk, _state(user)], salt=SALT, compress=True)


def read_confirmation_token(token: str):
    """The user the token confirms, or None (forged, expired, used or superseded)."""
    try:
        user_id, state = signing.loads(
            str(token), salt=SALT, max_age=settings.PEERPATH_REGISTRATION_CONFIRM_SECONDS
        )
        user = User.objects.filter(pk=int(user_id), awaiting_confirmation=True).first()
    except (signing.BadSignature, TypeError, ValueError, OverflowError):
        return None
    if user is None or _state(user) != state:
        return None
    return user
