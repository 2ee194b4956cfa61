"""Multibase and Multikey encodings used by Data Integrity proofs and Bitstring Status Lists.

Only the pieces the specifications need: base58-btc (multibase prefix ``z``), base64url without
padding (prefix ``u``), and the Ed25519 Multikey headers (multicodec ``0xed01`` for a public
key, ``0x8026`` for a private key seed).
"""

import base64
import binascii

from .exceptions import MultibaseError

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: value for value, char in enumerate(BASE58_ALPHABET)}

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"


def base58_encode(data: bytes) -> str:
    """Bitcoin base58: big-endian base 58 digits, each leading zero byte written as '1'."""
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    zeros = len(text) - len(text.lstrip("1"))
    number = 0
    for char in text:
        try:
            number = number * 58 + _BASE58_INDEX[char]
        except KeyError:
            raise MultibaseError(f"Not a base58-btc character: {char!r}.") from None
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def multibase_encode(data: bytes, *, encoding: str = "base58btc") -> str:
    if encoding == "base58btc":
        return "z" + base58_encode(data)
    if encoding == "base64url":
        return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    raise MultibaseError(f"Unsupported multibase encoding {encoding!r}.")


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text:
        raise MultibaseError("A multibase value must be a non-empty string.")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return base58_decode(body)
    if prefix == "u":
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as error:
            raise MultibaseError(f"Malformed base64url multibase value: {error}.") from None
    raise MultibaseError(f"Unsupported multibase prefix {prefix!r} (expected 'z' or 'u').")


def encode_public_multikey(public_key: bytes) -> str:
    if len(public_key) != 32:
        raise MultibaseError("An Ed25519 public key is 32 bytes.")
    return multibase_encode(ED25519_PUB_HEADER + public_key)


def decode_public_multikey(value: str) -> bytes:
    raw = multibase_decode(value)
    if not value.startswith("z") or raw[:2] != ED25519_PUB_HEADER or len(raw) != 34:
        raise MultibaseError("Not an Ed25519 Multikey public key (z-prefixed, 0xed01 header).")
    return raw[2:]


def encode_secret_multikey(seed: bytes) -> str:
    if len(seed) != 32:
        raise MultibaseError("An Ed25519 private key seed is 32 bytes.")
    return multibase_encode(ED25519_PRIV_HEADER + seed)


def decode_secret_multikey(value: str) -> bytes:
    """The 32-byte seed. Accepts the 0x8026 Multikey form, and the older form some libraries
    print with the public key appended to the seed (0x8026 + 64 bytes), keeping the seed."""
    raw = multibase_decode(value)
    if value.startswith("z") and raw[:2] == ED25519_PRIV_HEADER and len(raw) in (34, 66):
        return raw[2:34]
    raise MultibaseError("Not an Ed25519 Multikey private key (0x8026 header, 32-byte seed).")
