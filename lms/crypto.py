"""Encryption at rest for sensitive free text (reflections, supervision notes, sign-off
accounts): `EncryptedTextField` stores Fernet tokens (AES-128-CBC with HMAC-SHA256) made with
keys from the environment, never from the database.

`PEERPATH_FIELD_KEYS` is a comma-separated list of Fernet keys; the first encrypts, all of
them decrypt, so a new key can be put first and `manage.py rotate_field_keys` re-encrypts
every value with it before the old key is removed. Without the variable (development and
tests only; production settings refuse to start) a key is derived from SECRET_KEY."""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def derived_key(secret: str) -> bytes:
    """A Fernet key derived from a secret (development fallback only). Cached: 100,000
    PBKDF2 rounds cost about 0.1 s, and every encrypted value read or written asks."""
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), b"peerpath-field-key", 100_000)
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "PEERPATH_FIELD_KEYS must hold Fernet keys (32 url-safe base64 bytes each); make one "
            "with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from error


def field_keys() -> tuple[str, ...]:
    keys = tuple(k.strip() for k in settings.PEERPATH_FIELD_KEYS if k.strip())
    return keys or (derived_key(settings.SECRET_KEY).decode(),)


def encrypt(text: str) -> str:
    return PREFIX + _fernet(field_keys()).encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value  # stored before encryption was switched on; re-saved encrypted
    try:
        return _fernet(field_keys()).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An encrypted field cannot be read with the keys in PEERPATH_FIELD_KEYS; a key "
            "that encrypted it has been removed."
        ) from error


class EncryptedTextField(models.TextField):
    """A TextField whose value is encrypted in the database. It cannot be searched or
    filtered on by content (by design). Empty strings are stored empty."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))


def encrypted_fields():
    """Every (model, field name) stored with EncryptedTextField."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
