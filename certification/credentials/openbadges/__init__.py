"""Open Badges 3.0 / Verifiable Credentials 2.0: signed credentials, keys and status lists.

The service API (keyword-only):

- ``build_credential(data=CredentialInput(...))`` -> unsigned OpenBadgeCredential dict
- ``sign_credential(credential=...)`` -> signed copy (eddsa-rdfc-2022, current key)
- ``verify_credential(credential=...)`` -> ``VerificationResult`` (verified, status, reasons)
- ``allocate_status_index(used=...)``, ``status_entry(list_url=..., index=...)``,
  ``Bitstring``, ``status_list_credential(...)``, ``check_status(...)``
- ``issuer_profile()``, ``key_document(key_id=...)``, ``published_keys()``,
  ``current_signing_key()``, ``rotate_signing_key()``, ``key_url(key_id=...)``

Errors are ``exceptions.OpenBadgesError`` subclasses.
"""

from .credential import (
    ACHIEVEMENT_TYPES,
    CREDENTIAL_FIELDS,
    Alignment,
    CredentialInput,
    Evidence,
    VerificationResult,
    build_credential,
    field_paths,
    sign_credential,
    verify_credential,
)
from .keys import (
    SigningKey,
    current_signing_key,
    did_key,
    issuer_id,
    issuer_profile,
    issuer_summary,
    key_document,
    key_url,
    published_keys,
    rotate_signing_key,
)
from .statuslist import (
    MIN_ENTRIES,
    Bitstring,
    allocate_status_index,
    check_status,
    status_entry,
    status_list_credential,
)

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CREDENTIAL_FIELDS",
    "MIN_ENTRIES",
    "Alignment",
    "Bitstring",
    "CredentialInput",
    "Evidence",
    "SigningKey",
    "VerificationResult",
    "allocate_status_index",
    "build_credential",
    "check_status",
    "current_signing_key",
    "did_key",
    "field_paths",
    "issuer_id",
    "issuer_profile",
    "issuer_summary",
    "key_document",
    "key_url",
    "published_keys",
    "rotate_signing_key",
    "sign_credential",
    "status_entry",
    "status_list_credential",
    "verify_credential",
]
