"""Verification codes: 125 random bits as 25 Crockford base32 characters, and reading a
typed code back (used by issuing, the lifecycle, renewal, verification and rosters)."""

import secrets

__all__ = [
    "CODE_BITS",
    "CROCKFORD",
    "generate_verification_code",
    "grouped",
    "normalise_code",
]

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = 125  # 25 characters of 5 bits; at least 100 bits are required.
CODE_LENGTH = CODE_BITS // 5


def generate_verification_code() -> str:
    """An unguessable code: 125 bits from `secrets`, as 25 Crockford base32 characters."""
    number = secrets.randbits(CODE_BITS)
    chars = []
    for _position in range(CODE_LENGTH):
        number, index = divmod(number, 32)
        chars.append(CROCKFORD[index])
    return "".join(reversed(chars))


def normalise_code(text: str) -> str | None:
    """A typed code in canonical form (case, spaces and dashes ignored; O read as 0, I and L
    as 1), or None when it cannot be a code."""
    cleaned = "".join(str(text or "").split()).replace("-", "").upper()
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != CODE_LENGTH or any(ch not in CROCKFORD for ch in cleaned):
        return None
    return cleaned


def grouped(code: str) -> str:
    """A code in groups of five, as printed (e.g. 7KQ2M-...)."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))
