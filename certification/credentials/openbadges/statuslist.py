"""W3C Bitstring Status List v1.0: revocation published as a signed list credential.

Each certificate gets a random index in a list of at least 131,072 entries (the
specification's minimum, so a list says little about how many credentials exist or which were
issued together). The bit at that index is 1 when the certificate is revoked. The list travels
GZIP-compressed and multibase base64url-encoded (``u...``) inside a
``BitstringStatusListCredential``, signed with the same eddsa-rdfc-2022 proof as certificates.
Index 0 is the left-most (most significant) bit of the first byte.
"""

from __future__ import annotations

import gzip
import secrets
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from .contexts import CREDENTIALS_V2
from .credential import verify_credential
from .exceptions import MultibaseError, StatusListError, StatusListFullError
from .multibase import multibase_decode, multibase_encode
from .proof import format_datetime

MIN_ENTRIES = 131_072  # 16 KiB of bits
REVOCATION = "revocation"
SUSPENSION = "suspension"
PURPOSES = (REVOCATION, SUSPENSION)


class Bitstring:
    """A fixed-length list of one-bit statuses."""

    def __init__(self, *, size: int = MIN_ENTRIES, data: bytes | None = None):
        if size < MIN_ENTRIES or size % 8:
            raise StatusListError(
                f"A status list has at least {MIN_ENTRIES} entries, in whole bytes."
            )
        if data is not None and len(data) * 8 != size:
            raise StatusListError("The bitstring's length does not match its size.")
        self.size = size
        self._bits = bytearray(data) if data is not None else bytearray(size // 8)

    def _check(self, index: int):
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise StatusListError(f"Status index {index!r} is outside 0..{self.size - 1}.")

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bits[index // 8] & (0x80 >> (index % 8)))

    def set(self, index: int, value: bool = True):
        self._check(index)
        mask = 0x80 >> (index % 8)
        if value:
            self._bits[index // 8] |= mask
        else:
            self._bits[index // 8] &= ~mask & 0xFF

    def set_indexes(self) -> list[int]:
        return [
            position * 8 + bit
            for position, byte in enumerate(self._bits)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        ]

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """GZIP, then multibase base64url without padding: the ``encodedList`` value."""
        # mtime=0 keeps the output stable for the same bits (no timestamp in the header).
        return multibase_encode(gzip.compress(self.to_bytes(), mtime=0), encoding="base64url")

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("encodedList must be multibase base64url ('u' prefix).")
        try:
            raw = gzip.decompress(multibase_decode(encoded))
        except (MultibaseError, OSError, EOFError) as error:
            raise StatusListError(
                f"encodedList is not GZIP-compressed base64url: {error}"
            ) from None
        return cls(size=len(raw) * 8, data=raw)

    @classmethod
    def from_indexes(cls, indexes: Iterable[int], *, size: int = MIN_ENTRIES) -> Bitstring:
        bits = cls(size=size)
        for index in indexes:
            bits.set(index)
        return bits


def allocate_status_index(
    *,
    used: Collection[int] | Callable[[int], bool],
    size: int = MIN_ENTRIES,
    attempts: int = 64,
) -> int:
    """A random index not yet used, from a cryptographic random source.

    ``used`` is the set of indexes already given out, or a callable answering "is this index
    taken?" (e.g. a database lookup). A few random draws almost always succeed; when the list
    is nearly full, a scan from a random start finds the last free ones, and a full list
    raises ``StatusListFullError``. The caller stores the index with a unique constraint, so
    two concurrent allocations of the same index fail loudly rather than share a bit.
    """
    taken = used if callable(used) else used.__contains__
    if not callable(used) and len(used) >= size:
        raise StatusListFullError(f"All {size} status list entries are in use.")
    for _ in range(attempts):
        index = secrets.randbelow(size)
        if not taken(index):
            return index
    start = secrets.randbelow(size)
    for offset in range(size):
        index = (start + offset) % size
        if not taken(index):
            return index
    raise StatusListFullError(f"All {size} status list entries are in use.")


def status_entry(*, list_url: str, index: int, purpose: str = REVOCATION) -> dict:
    """The ``credentialStatus`` of one credential (a BitstringStatusListEntry)."""
    if purpose not in PURPOSES:
        raise StatusListError(f"Unknown status purpose {purpose!r}.")
    if not isinstance(index, int) or index < 0:
        raise StatusListError("A status list index is a non-negative integer.")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    list_url: str,
    issuer: str | dict,
    bitstring: Bitstring,
    valid_from: datetime,
    valid_until: datetime | None = None,
    purpose: str = REVOCATION,
) -> dict:
    """The unsigned BitstringStatusListCredential for ``bitstring`` (sign it with
    ``credential.sign_credential``)."""
    if purpose not in PURPOSES:
        raise StatusListError(f"Unknown status purpose {purpose!r}.")
    document = {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bitstring.encode(),
        },
    }
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    return document


@dataclass
class StatusCheck:
    status: bool | None  # True: the bit is set (revoked); None: could not be determined
    reasons: list[str]


def check_status(*, credential: dict, status_list: dict, verify: bool = True) -> StatusCheck:
    """Read a credential's bit from a status list credential, as a verifier would. With
    ``verify``, the list credential's own proof must verify first."""
    entries = credential.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries] if entries else []
    entries = [item for item in entries if item.get("type") == "BitstringStatusListEntry"]
    if not entries:
        return StatusCheck(None, ["The credential has no Bitstring status entry."])
    # With several entries (revocation and suspension), the one naming this list.
    entry = next(
        (item for item in entries if item.get("statusListCredential") == status_list.get("id")),
        None,
    )
    if entry is None:
        return StatusCheck(None, ["The status list is not the one the credential names."])
    if verify:
        result = verify_credential(credential=status_list)
        if not result.verified:
            return StatusCheck(None, ["The status list's proof does not verify.", *result.reasons])
    subject = status_list.get("credentialSubject") or {}
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        return StatusCheck(None, ["The status list's purpose differs from the entry's."])
    try:
        bits = Bitstring.decode(subject.get("encodedList"))
        index = int(entry.get("statusListIndex"))
        return StatusCheck(bits.get(index), [])
    except (StatusListError, TypeError, ValueError) as error:
        return StatusCheck(None, [f"Unreadable status: {error}"])
