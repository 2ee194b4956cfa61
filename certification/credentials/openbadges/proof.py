"""The eddsa-rdfc-2022 Data Integrity cryptosuite (W3C vc-di-eddsa), sign and verify.

Creating a proof:
1. proof options: type DataIntegrityProof, cryptosuite eddsa-rdfc-2022, created,
   verificationMethod, proofPurpose, and the document's ``@context``;
2. canonicalise the proof options and the document (without ``proof``) with RDFC-1.0;
3. hashData = SHA-256(canonical proof options) || SHA-256(canonical document);
4. Ed25519-sign hashData; ``proofValue`` is the signature in multibase base58-btc (``z...``).
Verifying repeats 1 to 3 from the document and its proof (without ``proofValue``) and checks
the signature against the key the proof names.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import canonicalize
from .contexts import FrozenDocumentLoader
from .exceptions import MultibaseError, OpenBadgesError, ProofError
from .keys import SigningKey
from .multibase import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


@dataclass(frozen=True)
class HashData:
    canonical_proof_config: str
    canonical_document: str

    @property
    def proof_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config.encode("utf-8")).digest()

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document.encode("utf-8")).digest()

    @property
    def combined(self) -> bytes:
        return self.proof_hash + self.document_hash


@dataclass
class ProofVerification:
    verified: bool
    reasons: list[str] = field(default_factory=list)
    verification_method: str | None = None
    created: str | None = None


def format_datetime(moment: datetime) -> str:
    """XML Schema dateTime in UTC, to the second: 2026-11-22T13:45:00Z."""
    if moment.tzinfo is None:
        raise ProofError("Datetimes in credentials must be timezone-aware.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_config(
    *,
    document: dict,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict:
    if "@context" not in document:
        raise ProofError("The document has no @context.")
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        "@context": document["@context"],
    }


def hash_data(
    *,
    document: dict,
    config: dict,
    loader: FrozenDocumentLoader | None = None,
    strict: bool = True,
    allow_undefined_terms: bool = False,
) -> HashData:
    """Canonical forms of the proof configuration and the unsecured document."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    checks = {"loader": loader, "strict": strict, "allow_undefined_terms": allow_undefined_terms}
    return HashData(
        canonical_proof_config=canonicalize(document=config, **checks),
        canonical_document=canonicalize(document=unsecured, **checks),
    )


def add_proof(
    *,
    document: dict,
    key: SigningKey,
    verification_method: str,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    loader: FrozenDocumentLoader | None = None,
) -> dict:
    """A copy of ``document`` with an eddsa-rdfc-2022 proof. Canonicalisation is strict:
    anything it would drop raises (``DroppedPropertyError``) before anything is signed."""
    if "proof" in document:
        raise ProofError("The document already has a proof.")
    if isinstance(created, datetime) or created is None:
        created = format_datetime(created or datetime.now(UTC))
    config = proof_config(
        document=document,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
    )
    data = hash_data(document=document, config=config, loader=loader, strict=True)
    proof = {key_: value for key_, value in config.items() if key_ != "@context"}
    proof["proofValue"] = multibase_encode(key.sign(data.combined))
    secured = copy.deepcopy(document)
    secured["proof"] = proof
    return secured


def verify_proof(
    *,
    document: dict,
    resolve_key: Callable[..., bytes],
    expected_purpose: str = "assertionMethod",
    loader: FrozenDocumentLoader | None = None,
) -> ProofVerification:
    """Check the document's single eddsa-rdfc-2022 proof. Never raises for a bad document:
    the result says why it failed. ``resolve_key(verification_method=...)`` returns the raw
    32-byte public key or raises an ``OpenBadgesError``."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if isinstance(proof, list):
        if len(proof) != 1:
            return ProofVerification(False, ["Expected exactly one proof."])
        proof = proof[0]
    if not isinstance(proof, dict):
        return ProofVerification(False, ["The credential has no proof."])
    result = ProofVerification(
        False,
        verification_method=proof.get("verificationMethod"),
        created=proof.get("created"),
    )
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        result.reasons.append(f"Unsupported proof: expected {PROOF_TYPE} with {CRYPTOSUITE}.")
        return result
    if proof.get("proofPurpose") != expected_purpose:
        result.reasons.append(f"The proof's purpose is not {expected_purpose}.")
        return result
    if not isinstance(proof.get("verificationMethod"), str) or not isinstance(
        proof.get("created"), str
    ):
        result.reasons.append("The proof has no verification method or creation time.")
        return result
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # A proof may carry its own @context only if the document's begins with it.
        own, outer = options["@context"], document.get("@context")
        own = own if isinstance(own, list) else [own]
        outer = outer if isinstance(outer, list) else [outer]
        if outer[: len(own)] != own:
            result.reasons.append("The proof's @context does not match the document's.")
            return result
    options["@context"] = document.get("@context")
    try:
        signature = multibase_decode(proof.get("proofValue") or "")
        if not str(proof.get("proofValue")).startswith("z") or len(signature) != 64:
            raise MultibaseError("proofValue must be a base58-btc Ed25519 signature.")
        public = resolve_key(verification_method=proof["verificationMethod"])
        # Strict here too: a property that canonicalisation drops is not covered by the
        # signature, so a credential carrying one must not pass as verified.
        data = hash_data(
            document=document, config=options, loader=loader, allow_undefined_terms=True
        )
    except OpenBadgesError as error:
        result.reasons.append(str(error))
        return result
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data.combined)
    except (InvalidSignature, ValueError):
        result.reasons.append(
            "The signature does not match: the credential was changed after signing, "
            "or it was signed with a different key."
        )
        return result
    result.verified = True
    return result
