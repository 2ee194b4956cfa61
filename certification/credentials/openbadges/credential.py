"""OpenBadgeCredential (Open Badges 3.0.3 on the W3C VC 2.0 data model) from plain inputs,
and signing and verification of credentials.

The builder takes only what a public credential may show: the holder's name (never an email
address, and nothing about health or lived experience), the achievement, the issuer, dates
and the status entry. ``CREDENTIAL_FIELDS`` is the allow-list of every field path the builder
can produce; a test holds the builder to it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from . import keys as signing_keys
from .contexts import CREDENTIALS_V2, OPEN_BADGES_V3, FrozenDocumentLoader
from .exceptions import CredentialInputError, OpenBadgesError
from .proof import add_proof, format_datetime, verify_proof

# OB 3.0's AchievementType vocabulary; it is extensible with names that start "ext:".
ACHIEVEMENT_TYPES = (
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
)
EXTENSION_TYPE = re.compile(r"^ext:[A-Za-z0-9._-]+$")

# Every path (list items as []) an OpenBadgeCredential from ``build_credential`` may contain.
CREDENTIAL_FIELDS = frozenset(
    {
        "@context",
        "@context[]",
        "id",
        "type",
        "type[]",
        "name",
        "description",
        "issuer",
        "issuer.id",
        "issuer.type",
        "issuer.type[]",
        "issuer.name",
        "issuer.url",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "credentialStatus.id",
        "credentialStatus.type",
        "credentialStatus.statusPurpose",
        "credentialStatus.statusListIndex",
        "credentialStatus.statusListCredential",
        "credentialStatus[]",
        "credentialStatus[].id",
        "credentialStatus[].type",
        "credentialStatus[].statusPurpose",
        "credentialStatus[].statusListIndex",
        "credentialStatus[].statusListCredential",
        "credentialSubject",
        "credentialSubject.type",
        "credentialSubject.type[]",
        "credentialSubject.identifier",
        "credentialSubject.identifier[]",
        "credentialSubject.identifier[].type",
        "credentialSubject.identifier[].identityType",
        "credentialSubject.identifier[].hashed",
        "credentialSubject.identifier[].identityHash",
        "credentialSubject.achievement",
        "credentialSubject.achievement.id",
        "credentialSubject.achievement.type",
        "credentialSubject.achievement.type[]",
        "credentialSubject.achievement.achievementType",
        "credentialSubject.achievement.name",
        "credentialSubject.achievement.description",
        "credentialSubject.achievement.criteria",
        "credentialSubject.achievement.criteria.narrative",
        "credentialSubject.achievement.alignment",
        "credentialSubject.achievement.alignment[]",
        "credentialSubject.achievement.alignment[].type",
        "credentialSubject.achievement.alignment[].type[]",
        "credentialSubject.achievement.alignment[].targetName",
        "credentialSubject.achievement.alignment[].targetUrl",
        "credentialSubject.achievement.alignment[].targetCode",
        "credentialSubject.achievement.alignment[].targetFramework",
        "evidence",
        "evidence[]",
        "evidence[].id",
        "evidence[].type",
        "evidence[].type[]",
        "evidence[].name",
        "evidence[].narrative",
        "proof",
        "proof[]",
        "proof[].type",
        "proof[].cryptosuite",
        "proof[].created",
        "proof[].verificationMethod",
        "proof[].proofPurpose",
        "proof[].proofValue",
    }
)


@dataclass(frozen=True, kw_only=True)
class Alignment:
    """A competency the achievement is aligned to, with its public page."""

    target_name: str
    target_url: str
    target_code: str = ""
    target_framework: str = ""


@dataclass(frozen=True, kw_only=True)
class Evidence:
    name: str
    narrative: str = ""
    url: str = ""


@dataclass(frozen=True, kw_only=True)
class CredentialInput:
    """Everything an OpenBadgeCredential says, as plain values."""

    credential_id: str  # the credential's URL (e.g. its public verification JSON)
    holder_name: str
    achievement_id: str  # URL of the credential definition
    achievement_name: str
    achievement_description: str
    criteria_narrative: str
    achievement_type: str  # one of ACHIEVEMENT_TYPES, or an extension ("ext:...")
    valid_from: datetime
    valid_until: datetime | None = None
    alignments: tuple[Alignment, ...] = ()
    issuer: dict | None = None  # {"id", "name", "url"}; default: the configured issuer
    # From statuslist.status_entry(): one entry, or a list (revocation and suspension).
    credential_status: dict | list | None = None
    evidence: tuple[Evidence, ...] = ()
    name: str = ""  # the credential's title; default: the achievement's name
    description: str = ""


def _require_url(value: str, what: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise CredentialInputError(f"{what} must be an absolute http(s) URL, not {value!r}.")
    return value


def _require_text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CredentialInputError(f"{what} is required.")
    return value.strip()


def build_credential(*, data: CredentialInput) -> dict:
    """The unsigned OpenBadgeCredential JSON-LD for ``data``."""
    if data.achievement_type not in ACHIEVEMENT_TYPES and not EXTENSION_TYPE.match(
        data.achievement_type
    ):
        raise CredentialInputError(
            "achievement_type must be one of OB 3.0's AchievementType values or start with 'ext:'."
        )
    for moment in (data.valid_from, data.valid_until):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise CredentialInputError("valid_from and valid_until must be timezone-aware.")
    if data.valid_until is not None and data.valid_until <= data.valid_from:
        raise CredentialInputError("valid_until must be after valid_from.")
    issuer = data.issuer or signing_keys.issuer_summary()
    achievement = {
        "id": _require_url(data.achievement_id, "achievement_id"),
        "type": ["Achievement"],
        "achievementType": data.achievement_type,
        "name": _require_text(data.achievement_name, "achievement_name"),
        "description": _require_text(data.achievement_description, "achievement_description"),
        "criteria": {"narrative": _require_text(data.criteria_narrative, "criteria_narrative")},
    }
    if data.alignments:
        achievement["alignment"] = [_alignment(item) for item in data.alignments]
    document = {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": _require_url(data.credential_id, "credential_id"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": (data.name or data.achievement_name).strip(),
        "issuer": {
            "id": _require_url(issuer.get("id", ""), "issuer id"),
            "type": ["Profile"],
            "name": _require_text(issuer.get("name", ""), "issuer name"),
            "url": _require_url(issuer.get("url", ""), "issuer url"),
        },
        "validFrom": format_datetime(data.valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The holder is identified by name only, in plain text (OB 3.0 IdentityObject).
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": _require_text(data.holder_name, "holder_name"),
                }
            ],
            "achievement": achievement,
        },
    }
    if data.description:
        document["description"] = data.description.strip()
    if data.valid_until is not None:
        document["validUntil"] = format_datetime(data.valid_until)
    if data.credential_status is not None:
        status = data.credential_status
        document["credentialStatus"] = (
            [dict(entry) for entry in status] if isinstance(status, list | tuple) else dict(status)
        )
    if data.evidence:
        document["evidence"] = [_evidence(item) for item in data.evidence]
    return document


def _alignment(item: Alignment) -> dict:
    entry = {
        "type": ["Alignment"],
        "targetName": _require_text(item.target_name, "alignment target_name"),
        "targetUrl": _require_url(item.target_url, "alignment target_url"),
    }
    if item.target_code:
        entry["targetCode"] = item.target_code
    if item.target_framework:
        entry["targetFramework"] = item.target_framework
    return entry


def _evidence(item: Evidence) -> dict:
    entry = {"type": ["Evidence"], "name": _require_text(item.name, "evidence name")}
    if item.url:
        entry["id"] = _require_url(item.url, "evidence url")
    if item.narrative:
        entry["narrative"] = item.narrative
    return entry


def sign_credential(
    *,
    credential: dict,
    key: signing_keys.SigningKey | None = None,
    verification_method: str | None = None,
    created: datetime | None = None,
    loader: FrozenDocumentLoader | None = None,
) -> dict:
    """A signed copy of ``credential`` (the current key unless ``key`` is given; the
    verification method is that key's URL under the issuer profile unless given). ``proof``
    is an array of one proof: 1EdTech's OB 3.0 JSON Schema requires an array (VC 2.0 allows
    either).

    Raises ``DroppedPropertyError``/``UndefinedTermError`` if canonicalisation would lose or
    not pin down any property, ``SigningKeyError`` if no key is configured."""
    key = key or signing_keys.current_signing_key()
    signed = add_proof(
        document=credential,
        key=key,
        verification_method=verification_method or signing_keys.key_url(key_id=key.key_id),
        created=created or datetime.now(UTC),
        loader=loader,
    )
    signed["proof"] = [signed["proof"]]
    return signed


@dataclass
class VerificationResult:
    verified: bool  # proof valid and, if checked, within its validity period
    proof_valid: bool
    reasons: list[str] = field(default_factory=list)
    verification_method: str | None = None
    status: str = "invalid"  # valid, invalid, expired, not-yet-valid


def verify_credential(
    *,
    credential: dict,
    public_keys: dict[str, bytes] | None = None,
    now: datetime | None = None,
    check_dates: bool = True,
    loader: FrozenDocumentLoader | None = None,
    issuers=(),
) -> VerificationResult:
    """Verify a credential's eddsa-rdfc-2022 proof, and (with ``check_dates``) that ``now``
    lies within validFrom..validUntil. The key comes from ``public_keys`` (verification
    method to raw public key), else from did:key or this issuer's published keys; nothing is
    fetched. Never raises for a bad credential: ``reasons`` says what failed."""

    def resolve(*, verification_method):
        if public_keys and verification_method in public_keys:
            return public_keys[verification_method]
        return signing_keys.resolve_public_key(
            verification_method=verification_method, issuers=issuers
        )

    try:
        proof = verify_proof(document=credential, resolve_key=resolve, loader=loader)
    except OpenBadgesError as error:  # pragma: no cover - verify_proof reports, not raises
        return VerificationResult(False, False, [str(error)])
    result = VerificationResult(
        verified=proof.verified,
        proof_valid=proof.verified,
        reasons=list(proof.reasons),
        verification_method=proof.verification_method,
        status="valid" if proof.verified else "invalid",
    )
    if proof.verified and check_dates:
        moment = now or datetime.now(UTC)
        valid_from = _parse_datetime(credential.get("validFrom"))
        valid_until = _parse_datetime(credential.get("validUntil"))
        if valid_from is not None and moment < valid_from:
            result.verified, result.status = False, "not-yet-valid"
            result.reasons.append(f"Not valid until {credential['validFrom']}.")
        elif valid_until is not None and moment >= valid_until:
            result.verified, result.status = False, "expired"
            result.reasons.append(f"Expired at {credential['validUntil']}.")
    return result


def _parse_datetime(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def field_paths(document, prefix: str = "") -> set[str]:
    """Every field path in a JSON document (list items as ``[]``), for allow-list checks."""
    paths: set[str] = set()
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            paths |= field_paths(value, path)
    elif isinstance(document, list):
        for item in document:
            paths.add(f"{prefix}[]")
            paths |= field_paths(item, f"{prefix}[]")
    return paths


def without_proof(credential: dict) -> dict:
    return {key: copy.deepcopy(value) for key, value in credential.items() if key != "proof"}
