"""Ed25519 signing keys: loading the private key, publishing public keys, rotation.

The private key never touches the database. It comes from, in this order:

1. ``PEERPATH_SIGNING_KEY``: the key itself (a Multikey ``secretKeyMultibase``, ``z3u2...``),
   for platforms that inject secrets as environment variables;
2. ``PEERPATH_SIGNING_KEY_FILE``: a file holding the key (the same Multikey text, or a PKCS#8
   PEM Ed25519 private key);
3. the current key in ``PEERPATH_SIGNING_KEYS_DIR``, a folder that ``manage.py
   rotate_signing_key`` maintains: ``keys.json`` (the public keys, which one is current, when
   each was retired) and one ``<key id>.key`` file per private key, mode 0600.

A key's id is its public Multikey (``z6Mk...``), so an id cannot point at the wrong key. Every
public key ever used stays in ``keys.json`` (and so in the issuer profile) after rotation:
credentials signed with an old key keep verifying.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from lms.site import absolute_url

from .contexts import CREDENTIALS_V2, DID_V1, MULTIKEY_V1, OPEN_BADGES_V3
from .exceptions import (
    MultibaseError,
    SigningKeyError,
    SigningKeyNotConfiguredError,
    UnknownVerificationMethodError,
)
from .multibase import (
    decode_public_multikey,
    decode_secret_multikey,
    encode_public_multikey,
    encode_secret_multikey,
)

logger = logging.getLogger(__name__)

MANIFEST = "keys.json"


@dataclass(frozen=True)
class PublicKey:
    key_id: str  # the public Multikey, z6Mk...
    created: str | None = None
    retired: str | None = None

    @property
    def public_bytes(self) -> bytes:
        return decode_public_multikey(self.key_id)

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_bytes)


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        if len(seed) != 32:
            raise SigningKeyError("An Ed25519 private key seed is 32 bytes.")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        """A Multikey secret (``z...``) or a PKCS#8 PEM Ed25519 private key."""
        text = text.strip()
        if text.startswith("-----BEGIN"):
            try:
                key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
            except (ValueError, TypeError) as error:
                raise SigningKeyError(f"Unreadable PEM private key: {error}") from None
            if not isinstance(key, Ed25519PrivateKey):
                raise SigningKeyError("The PEM private key is not an Ed25519 key.")
            return cls(key)
        try:
            return cls.from_seed(decode_secret_multikey(text))
        except MultibaseError as error:
            raise SigningKeyError(f"Unreadable signing key: {error}") from None

    @property
    def seed(self) -> bytes:
        return self.private_key.private_bytes_raw()

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @property
    def key_id(self) -> str:
        return encode_public_multikey(self.public_bytes)

    @property
    def secret_multibase(self) -> str:
        return encode_secret_multikey(self.seed)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def __repr__(self):  # never print the secret
        return f"SigningKey({self.key_id})"


# --- where things live -------------------------------------------------------------------


def keys_dir() -> Path:
    return Path(settings.PEERPATH_SIGNING_KEYS_DIR)


def issuer_id() -> str:
    """The issuer profile's URL (also the controller of every key)."""
    return settings.PEERPATH_ISSUER_ID or absolute_url("/issuer/")


def issuer_url() -> str:
    """The issuer's public home page."""
    return settings.PEERPATH_ISSUER_URL or settings.SITE_URL


def key_url(*, key_id: str, issuer: str | None = None) -> str:
    """The stable URL of one public key document (the proof's ``verificationMethod``), under
    ``issuer`` (default: the configured issuer id)."""
    return f"{(issuer or issuer_id()).rstrip('/')}/keys/{key_id}/"


def did_key(*, key_id: str) -> str:
    """The did:key verification method for a key (usable without any web server)."""
    return f"did:key:{key_id}#{key_id}"


# --- the manifest ------------------------------------------------------------------------


def _read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.exists():
        return {"current": None, "keys": []}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SigningKeyError(f"Unreadable key manifest {path}: {error}") from None
    if not isinstance(manifest.get("keys"), list):
        raise SigningKeyError(f"Key manifest {path} has no list of keys.")
    return manifest


def _write_atomically(path: Path, data: bytes, *, mode: int):
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def published_keys(*, directory: Path | None = None) -> list[PublicKey]:
    """Every public key that has signed or may sign, oldest first (current last unless an
    environment key is configured, which is added if the manifest lacks it)."""
    manifest = _read_manifest(directory or keys_dir())
    keys = [
        PublicKey(key_id=entry["id"], created=entry.get("created"), retired=entry.get("retired"))
        for entry in manifest["keys"]
    ]
    configured = _configured_key()
    if configured is not None and configured.key_id not in {key.key_id for key in keys}:
        keys.append(PublicKey(key_id=configured.key_id))
    return keys


def public_key(*, key_id: str, directory: Path | None = None) -> PublicKey:
    for key in published_keys(directory=directory):
        if key.key_id == key_id:
            return key
    raise UnknownVerificationMethodError(f"No published key {key_id!r}.")


# --- the private key ---------------------------------------------------------------------


def _configured_key() -> SigningKey | None:
    """The key from the environment or a key file, if either is set."""
    text = getattr(settings, "PEERPATH_SIGNING_KEY", "") or ""
    if text.strip():
        return SigningKey.from_text(text)
    path = getattr(settings, "PEERPATH_SIGNING_KEY_FILE", "") or ""
    if path:
        return _read_key_file(Path(path))
    return None


def _read_key_file(path: Path) -> SigningKey:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except OSError as error:
        raise SigningKeyError(
            f"Cannot read the signing key file {path}: {error.strerror}"
        ) from None
    if mode & 0o077:
        logger.warning("The signing key file %s is readable by other users (chmod 600 it).", path)
    return SigningKey.from_text(text)


def current_signing_key(*, directory: Path | None = None) -> SigningKey:
    """The key new credentials are signed with."""
    configured = _configured_key()
    if configured is not None:
        return configured
    directory = directory or keys_dir()
    manifest = _read_manifest(directory)
    if not manifest.get("current"):
        raise SigningKeyNotConfiguredError(
            "No signing key: set PEERPATH_SIGNING_KEY or PEERPATH_SIGNING_KEY_FILE, or run "
            f"`manage.py rotate_signing_key` to create one in {directory}."
        )
    key = _read_key_file(directory / f"{manifest['current']}.key")
    if key.key_id != manifest["current"]:
        raise SigningKeyError(
            f"The key file for {manifest['current']} holds a different key; the manifest in "
            f"{directory} does not match its files."
        )
    return key


def rotate_signing_key(*, directory: Path | None = None, now: datetime | None = None) -> SigningKey:
    """Generate a new Ed25519 key, write it (0600), make it current; older public keys stay
    published, marked with when they were retired. Safe against concurrent rotations."""
    directory = directory or keys_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = _read_manifest(directory)
        key = SigningKey.generate()
        _write_atomically(
            directory / f"{key.key_id}.key", (key.secret_multibase + "\n").encode(), mode=0o600
        )
        for entry in manifest["keys"]:
            if entry["id"] == manifest.get("current") and not entry.get("retired"):
                entry["retired"] = stamp
        manifest["keys"].append({"id": key.key_id, "created": stamp, "retired": None})
        manifest["current"] = key.key_id
        _write_atomically(
            directory / MANIFEST,
            (json.dumps(manifest, indent=2) + "\n").encode(),
            mode=0o644,
        )
    return key


# --- documents to publish ----------------------------------------------------------------


def key_document(*, key_id: str, directory: Path | None = None, issuer: str | None = None) -> dict:
    """The Multikey document served at ``key_url(key_id=...)``, controlled by ``issuer``
    (default: the configured issuer id)."""
    key = public_key(key_id=key_id, directory=directory)
    issuer = issuer or issuer_id()
    document = {
        "@context": [MULTIKEY_V1],
        "id": key_url(key_id=key.key_id, issuer=issuer),
        "type": "Multikey",
        "controller": issuer,
        "publicKeyMultibase": key.key_id,
    }
    # A retired key gets no "expires" or "revoked": verifiers would then reject the
    # credentials it signed. It simply signs nothing new (the manifest records when it
    # was retired).
    return document


def issuer_profile(*, directory: Path | None = None, issuer: str | None = None) -> dict:
    """The Open Badges issuer ``Profile`` served at ``issuer_id()``, with every published key
    as a verification method and as an assertion method (what proofs are checked against)."""
    issuer = issuer or issuer_id()
    keys = [
        key_document(key_id=key.key_id, directory=directory, issuer=issuer)
        for key in published_keys(directory=directory)
    ]
    for document in keys:
        del document["@context"]
    return {
        # DID v1 defines verificationMethod and assertionMethod; Multikey v1 the key terms.
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3, DID_V1, MULTIKEY_V1],
        "id": issuer,
        "type": ["Profile"],
        "name": settings.PEERPATH_ISSUER_NAME,
        "url": issuer_url(),
        "verificationMethod": keys,
        "assertionMethod": [document["id"] for document in keys],
    }


def issuer_summary(*, issuer: str | None = None) -> dict:
    """The issuer as embedded in a credential (no keys)."""
    return {
        "id": issuer or issuer_id(),
        "type": ["Profile"],
        "name": settings.PEERPATH_ISSUER_NAME,
        "url": issuer_url(),
    }


def resolve_public_key(
    *, verification_method: str, directory: Path | None = None, issuers=()
) -> bytes:
    """The raw public key a proof names: a did:key (decoded locally) or one of Peerpath's own
    key URLs (under the configured issuer or any of ``issuers``). Anything else is unknown;
    nothing is fetched."""
    if verification_method.startswith("did:key:"):
        did, _, fragment = verification_method.partition("#")
        multikey = did.removeprefix("did:key:")
        if fragment and fragment != multikey:
            raise UnknownVerificationMethodError("A did:key fragment must repeat the key.")
        try:
            return decode_public_multikey(multikey)
        except MultibaseError as error:
            raise UnknownVerificationMethodError(str(error)) from None
    for key in published_keys(directory=directory):
        for issuer in (None, *issuers):
            if verification_method == key_url(key_id=key.key_id, issuer=issuer):
                return key.public_bytes
    raise UnknownVerificationMethodError(
        f"Unknown verification method {verification_method!r}: not a did:key and not one of "
        "this issuer's published keys."
    )
