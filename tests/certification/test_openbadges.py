"""Open Badges 3.0 signing core: the published test vectors, strict canonicalisation, keys
and rotation, the Bitstring Status List, and the credential builder's allow-list.

No test touches the database or the network (a fixture makes any socket use fail)."""

import copy
import hashlib
import json
import re
import socket
import stat
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from pyld import jsonld

from certification.credentials import openbadges as ob
from certification.credentials.openbadges import canonical, contexts, keys, multibase, proof
from certification.credentials.openbadges.exceptions import (
    CredentialInputError,
    DroppedPropertyError,
    SigningKeyNotConfiguredError,
    StatusListError,
    StatusListFullError,
    UnknownContextError,
)

VECTORS = Path(__file__).resolve().parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa-rdfc-2022"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
W3C_LOADER = contexts.DEFAULT_LOADER.extended({EXAMPLES_V2: W3C / "credentials-examples-v2.jsonld"})
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
LIST_URL = "https://peerpath.example/credentials/status/1"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Canonicalisation must never fetch: any connection attempt fails the test, and pyld's
    own default loader is replaced by one that fails."""

    def refuse(*args, **kwargs):
        raise AssertionError("The Open Badges core tried to use the network.")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(refuse)
    yield
    jsonld.set_document_loader(previous)


@pytest.fixture
def keys_dir(settings, tmp_path):
    settings.PEERPATH_SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.PEERPATH_SIGNING_KEY = ""
    settings.PEERPATH_SIGNING_KEY_FILE = ""
    settings.PEERPATH_ISSUER_ID = "https://peerpath.example/issuer/"
    settings.PEERPATH_ISSUER_URL = "https://peerpath.example/"
    settings.PEERPATH_ISSUER_NAME = "Peerpath Training"
    return tmp_path / "keys"


def read(name):
    return (W3C / name).read_text(encoding="utf-8")


def credential_input(**overrides):
    values = {
        "credential_id": "https://peerpath.example/verify/ABCD-EFGH.json",
        "holder_name": "Jordan Rivers",
        "achievement_id": "https://peerpath.example/credentials/certified-peer-worker/",
        "achievement_name": "Certified Peer Support Worker",
        "achievement_description": "Holds the Peerpath peer support certification.",
        "criteria_narrative": "Completed 46 hours of training and a 500-hour practicum.",
        "achievement_type": "Certification",
        "valid_from": datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        "valid_until": datetime(2028, 1, 15, 9, 30, tzinfo=UTC),
        "alignments": (
            ob.Alignment(
                target_name="Ethical responsibility",
                target_url="https://peerpath.example/frameworks/samhsa-pw-2015/III.3/",
                target_code="III.3",
                target_framework="SAMHSA Core Competencies for Peer Workers (2015)",
            ),
        ),
        "credential_status": ob.status_entry(list_url=LIST_URL, index=94567),
        "evidence": (ob.Evidence(name="Supervised practicum", narrative="500 hours."),),
    }
    values.update(overrides)
    return ob.CredentialInput(**values)


# --- shipped contexts and the frozen loader -----------------------------------------------


def test_every_shipped_context_matches_the_hash_recorded_in_its_readme():
    readme = (contexts.CONTEXTS_DIR / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"\| `(\S+?)` \|[^\n]*\| `([0-9a-f]{64})` \|", readme))
    assert set(recorded) == set(contexts.SHIPPED_CONTEXTS)
    for url, path in contexts.SHIPPED_CONTEXTS.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded[url], url


def test_a_context_that_is_not_shipped_is_a_clear_error_and_nothing_is_fetched():
    document = {
        "@context": [contexts.CREDENTIALS_V2, "https://contexts.example/evil.jsonld"],
        "id": "https://peerpath.example/x",
        "type": ["VerifiableCredential"],
    }
    with pytest.raises(UnknownContextError, match="evil.jsonld.*not shipped"):
        canonical.canonicalize(document=document)
    with pytest.raises(UnknownContextError):
        contexts.DEFAULT_LOADER("https://www.w3.org/2018/credentials/v1")


# --- the W3C vc-di-eddsa eddsa-rdfc-2022 test vector --------------------------------------


def test_w3c_vector_is_reproduced_byte_for_byte():
    signed = json.loads(read("signedDataInt.json"))
    key_pair = json.loads(read("keyPair.json"))
    config = json.loads(read("proofConfigDataInt.json"))

    key = keys.SigningKey.from_text(key_pair["privateKeyMultibase"])
    assert key.key_id == key_pair["publicKeyMultibase"]

    unsecured = {name: value for name, value in signed.items() if name != "proof"}
    data = proof.hash_data(document=unsecured, config=config, loader=W3C_LOADER)
    assert data.canonical_proof_config == read("proofCanonDataInt.txt")
    assert data.canonical_document == read("canonDocDataInt.txt")
    assert data.proof_hash.hex() == read("proofHashDataInt.txt").strip()
    assert data.combined.hex() == read("combinedHashDataInt.txt").strip()
    assert data.document_hash.hex() == read("combinedHashDataInt.txt").strip()[64:]

    signature = key.sign(data.combined)
    assert signature.hex() == read("sigHexDataInt.txt").strip()
    assert multibase.multibase_encode(signature) == read("sigBTC58DataInt.txt").strip()

    # The whole signing path produces the published proof.
    secured = proof.add_proof(
        document=unsecured,
        key=key,
        verification_method=config["verificationMethod"],
        created=config["created"],
        loader=W3C_LOADER,
    )
    assert secured == signed


def vector_resolver(*, verification_method):
    public = json.loads(read("keyPair.json"))["publicKeyMultibase"]
    assert verification_method.endswith("#" + public)
    return multibase.decode_public_multikey(public)


def test_w3c_signed_credential_verifies():
    signed = json.loads(read("signedDataInt.json"))
    result = proof.verify_proof(document=signed, resolve_key=vector_resolver, loader=W3C_LOADER)
    assert result.verified, result.reasons


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.__setitem__("name", "Alumni Credential!"),
        lambda d: d.__setitem__("validFrom", "2023-01-02T00:00:00Z"),
        lambda d: d.__setitem__("issuer", "https://vc.example/issuers/5679"),
        lambda d: d["credentialSubject"].__setitem__("alumniOf", "Another School"),
        lambda d: d["credentialSubject"].__setitem__("id", "did:example:someone-else"),
        lambda d: d["type"].append("ExtraCredential"),
        lambda d: d["proof"].__setitem__("created", "2023-02-24T23:36:39Z"),
        lambda d: d["proof"].__setitem__("verificationMethod", "did:example:other#key"),
        lambda d: d["proof"].__setitem__("proofValue", d["proof"]["proofValue"][:-1] + "A"),
    ],
    ids=[
        "name",
        "validFrom",
        "issuer",
        "subject-claim",
        "subject-id",
        "type",
        "created",
        "verificationMethod",
        "proofValue",
    ],
)
def test_w3c_credential_tampered_in_any_field_fails(tamper):
    signed = json.loads(read("signedDataInt.json"))
    tamper(signed)

    def resolver(*, verification_method):
        return multibase.decode_public_multikey(
            json.loads(read("keyPair.json"))["publicKeyMultibase"]
        )

    result = proof.verify_proof(document=signed, resolve_key=resolver, loader=W3C_LOADER)
    assert not result.verified
    assert result.reasons


# --- the 1EdTech Open Badges 3.0 test vector ----------------------------------------------


ONE_EDTECH = VECTORS / "1edtech-ob-v3p0"
ONE_EDTECH_LOADER = contexts.DEFAULT_LOADER.extended(
    {
        "https://www.w3.org/2018/credentials/v1": ONE_EDTECH / "contexts/credentials-v1.jsonld",
        "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": ONE_EDTECH
        / "contexts/ob-v3p0-context-3.0.0.json",
        "https://w3id.org/security/data-integrity/v1": ONE_EDTECH
        / "contexts/data-integrity-v1.jsonld",
    }
)


def test_1edtech_vector_is_reproduced_from_the_credential_to_the_proof_value():
    readme = (VECTORS / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"\| `(\S+?)` \|[^\n]*\| `([0-9a-f]{64})` \|", readme))
    for url, path in ONE_EDTECH_LOADER.documents.items():
        if url not in contexts.SHIPPED_CONTEXTS:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded[url], url
    vector = json.loads((ONE_EDTECH / "vector.json").read_text())
    # The transcription is exact: each normalized text hashes to the published hash.
    assert hashlib.sha256(vector["proofNormalized"].encode()).hexdigest() == vector["proofHashHex"]
    assert (
        hashlib.sha256(vector["documentNormalized"].encode()).hexdigest()
        == vector["documentHashHex"]
    )

    signed = vector["signedCredential"]
    unsecured = {name: value for name, value in signed.items() if name != "proof"}
    config = {**vector["proofBeforeSigning"], "@context": signed["@context"]}
    data = proof.hash_data(document=unsecured, config=config, loader=ONE_EDTECH_LOADER)
    assert data.canonical_proof_config == vector["proofNormalized"]
    assert data.canonical_document == vector["documentNormalized"]
    assert data.proof_hash.hex() == vector["proofHashHex"]
    assert data.document_hash.hex() == vector["documentHashHex"]
    assert data.combined.hex() == vector["dataToSignHex"]

    key = keys.SigningKey.from_seed(bytes.fromhex(vector["privateKeyHex"])[:32])
    assert key.public_bytes.hex() == vector["publicKeyHex"]
    assert key.key_id == vector["publicKeyMultibase"]
    # The older 64-byte secretKeyMultibase form decodes to the same seed.
    assert keys.SigningKey.from_text(vector["secretKeyMultibase"]).seed == key.seed

    signature = key.sign(data.combined)
    assert signature.hex() == vector["signatureHex"]
    assert multibase.multibase_encode(signature) == vector["proofValue"]

    secured = proof.add_proof(
        document=unsecured,
        key=key,
        verification_method=config["verificationMethod"],
        created=config["created"],
        loader=ONE_EDTECH_LOADER,
    )
    assert secured["proof"]["proofValue"] == signed["proof"]["proofValue"]

    def resolver(*, verification_method):
        assert verification_method.endswith("#" + vector["publicKeyMultibase"])
        return bytes.fromhex(vector["publicKeyHex"])

    result = proof.verify_proof(document=signed, resolve_key=resolver, loader=ONE_EDTECH_LOADER)
    assert result.verified, result.reasons
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert not proof.verify_proof(
        document=tampered, resolve_key=resolver, loader=ONE_EDTECH_LOADER
    ).verified


# --- strict canonicalisation: nothing may be dropped --------------------------------------


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"favouriteColour": "teal"}, "favouriteColour"),
        ({"description": None}, "description (null)"),
        ({"id": "verify/ABCD-EFGH.json"}, "relative IRI"),
        ({"type": ["VerifiableCredential", "OpenBadgeCredential", "PeerCredential"]}, "type"),
    ],
    ids=["undefined-term", "null", "relative-id", "undefined-type"],
)
def test_issuance_fails_loudly_when_canonicalisation_would_drop_something(keys_dir, change, named):
    ob.rotate_signing_key()
    document = ob.build_credential(data=credential_input())
    document.update(change)
    with pytest.raises(DroppedPropertyError, match=re.escape(named)) as raised:
        ob.sign_credential(credential=document)
    assert raised.value.dropped


def test_a_dropped_term_nested_in_the_subject_is_caught_too(keys_dir):
    ob.rotate_signing_key()
    document = ob.build_credential(data=credential_input())
    document["credentialSubject"]["achievement"]["diagnosis"] = "marker-private"
    with pytest.raises(DroppedPropertyError, match="diagnosis"):
        ob.sign_credential(credential=document)


def test_a_property_added_after_signing_that_the_signature_cannot_cover_fails_verification(
    keys_dir,
):
    """Without the strict check this would verify: the added term is dropped from the
    canonical form, so the hashes are unchanged."""
    ob.rotate_signing_key()
    signed = ob.sign_credential(credential=ob.build_credential(data=credential_input()))
    assert ob.verify_credential(credential=signed, now=NOW).verified
    signed["credentialSubject"]["note"] = "added later"
    result = ob.verify_credential(credential=signed, now=NOW)
    assert not result.verified
    assert "note" in " ".join(result.reasons)


# --- keys, the issuer profile, rotation ---------------------------------------------------


def test_signing_without_any_key_configured_says_how_to_configure_one(keys_dir):
    with pytest.raises(SigningKeyNotConfiguredError, match="rotate_signing_key"):
        ob.sign_credential(credential=ob.build_credential(data=credential_input()))


def test_rotation_keeps_old_credentials_verifiable(keys_dir):
    first = ob.rotate_signing_key()
    old = ob.sign_credential(credential=ob.build_credential(data=credential_input()))
    second = ob.rotate_signing_key()
    assert ob.current_signing_key().key_id == second.key_id != first.key_id
    new = ob.sign_credential(
        credential=ob.build_credential(
            data=credential_input(credential_id="https://peerpath.example/verify/NEW.json")
        )
    )
    assert old["proof"][0]["verificationMethod"] == ob.key_url(key_id=first.key_id)
    assert new["proof"][0]["verificationMethod"] == ob.key_url(key_id=second.key_id)
    for credential in (old, new):
        result = ob.verify_credential(credential=credential, now=NOW)
        assert result.verified, result.reasons

    manifest = json.loads((keys_dir / "keys.json").read_text())
    assert manifest["current"] == second.key_id
    assert [entry["id"] for entry in manifest["keys"]] == [first.key_id, second.key_id]
    assert manifest["keys"][0]["retired"] and manifest["keys"][1]["retired"] is None
    for key in (first, second):
        mode = stat.S_IMODE((keys_dir / f"{key.key_id}.key").stat().st_mode)
        assert mode == 0o600
    assert not any(first.secret_multibase in path.read_text() for path in [keys_dir / "keys.json"])


def test_a_credential_signed_by_an_unpublished_key_does_not_verify(keys_dir):
    ob.rotate_signing_key()
    stranger = keys.SigningKey.generate()
    forged = ob.sign_credential(
        credential=ob.build_credential(data=credential_input()),
        key=stranger,
        verification_method=ob.key_url(key_id=stranger.key_id),
    )
    result = ob.verify_credential(credential=forged, now=NOW)
    assert not result.verified
    assert "Unknown verification method" in result.reasons[0]


def test_issuer_profile_and_key_documents_publish_every_key(keys_dir):
    first = ob.rotate_signing_key()
    second = ob.rotate_signing_key()
    profile = ob.issuer_profile()
    assert profile["id"] == "https://peerpath.example/issuer/"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Peerpath Training"
    assert profile["url"] == "https://peerpath.example/"
    urls = [ob.key_url(key_id=first.key_id), ob.key_url(key_id=second.key_id)]
    assert [method["id"] for method in profile["verificationMethod"]] == urls
    assert profile["assertionMethod"] == urls
    for method, key in zip(profile["verificationMethod"], (first, second), strict=True):
        assert method["type"] == "Multikey"
        assert method["controller"] == profile["id"]
        assert multibase.decode_public_multikey(method["publicKeyMultibase"]) == key.public_bytes
    document = ob.key_document(key_id=first.key_id)
    assert document["id"] == urls[0] and document["publicKeyMultibase"] == first.key_id
    # Both documents are JSON-LD that canonicalises without dropping anything.
    assert "security#assertionMethod" in canonical.canonicalize(document=profile)
    assert "security#publicKeyMultibase" in canonical.canonicalize(document=document)
    # No private key material anywhere in what is published.
    published = json.dumps([profile, document])
    assert first.secret_multibase not in published and second.secret_multibase not in published


def test_private_key_from_the_environment_setting_takes_precedence_and_is_published(
    keys_dir, settings
):
    ob.rotate_signing_key()
    injected = keys.SigningKey.generate()
    settings.PEERPATH_SIGNING_KEY = injected.secret_multibase
    assert ob.current_signing_key().key_id == injected.key_id
    assert injected.key_id in [key.key_id for key in ob.published_keys()]
    signed = ob.sign_credential(credential=ob.build_credential(data=credential_input()))
    assert ob.verify_credential(credential=signed, now=NOW).verified


def test_private_key_from_a_pem_file(keys_dir, settings, tmp_path):
    private = Ed25519PrivateKey.generate()
    path = tmp_path / "signing.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    settings.PEERPATH_SIGNING_KEY_FILE = str(path)
    assert ob.current_signing_key().public_bytes == private.public_key().public_bytes_raw()


def test_did_key_verification_method_verifies_without_any_published_key(keys_dir):
    key = keys.SigningKey.generate()
    signed = ob.sign_credential(
        credential=ob.build_credential(data=credential_input()),
        key=key,
        verification_method=ob.did_key(key_id=key.key_id),
    )
    assert ob.verify_credential(credential=signed, now=NOW).verified


def test_rotate_signing_key_command(keys_dir):
    out = StringIO()
    call_command("rotate_signing_key", stdout=out)
    call_command("rotate_signing_key", stdout=out)
    lines = out.getvalue().splitlines()
    current = ob.current_signing_key().key_id
    assert f"New current signing key: {current}" in lines
    assert "Public keys published: 2" in out.getvalue()
    assert current not in [line for line in lines if "secret" in line.lower()]
    assert sorted(path.name for path in keys_dir.glob("*.key")) == sorted(
        f"{key.key_id}.key" for key in ob.published_keys()
    )


# --- validity period ----------------------------------------------------------------------


def test_verification_reports_expired_and_not_yet_valid(keys_dir):
    ob.rotate_signing_key()
    signed = ob.sign_credential(credential=ob.build_credential(data=credential_input()))
    early = ob.verify_credential(credential=signed, now=datetime(2026, 1, 1, tzinfo=UTC))
    late = ob.verify_credential(credential=signed, now=datetime(2028, 1, 15, 9, 30, tzinfo=UTC))
    assert (early.verified, early.proof_valid, early.status) == (False, True, "not-yet-valid")
    assert (late.verified, late.proof_valid, late.status) == (False, True, "expired")
    assert ob.verify_credential(credential=signed, now=NOW).status == "valid"


# --- the OpenBadgeCredential builder ------------------------------------------------------


def test_credential_contains_no_field_outside_the_allow_list(keys_dir):
    ob.rotate_signing_key()
    signed = ob.sign_credential(
        credential=ob.build_credential(data=credential_input(description="Issued by Peerpath."))
    )
    paths = ob.field_paths(signed)
    assert paths <= ob.CREDENTIAL_FIELDS, paths - ob.CREDENTIAL_FIELDS
    # The check has teeth: an extra field anywhere is outside the list.
    signed["credentialSubject"]["email"] = "someone@example.org"
    assert ob.field_paths(signed) - ob.CREDENTIAL_FIELDS == {"credentialSubject.email"}


def test_inputs_offer_nothing_but_the_holder_name_about_the_holder():
    holder_fields = {field.name for field in fields(ob.CredentialInput) if "holder" in field.name}
    assert holder_fields == {"holder_name"}
    names = {field.name for field in fields(ob.CredentialInput)}
    assert not names & {"email", "holder_email", "diagnosis", "lived_experience", "health"}


def test_built_credential_is_an_open_badge_with_every_input(keys_dir):
    data = credential_input()
    document = ob.build_credential(data=data)
    assert document["@context"] == [contexts.CREDENTIALS_V2, contexts.OPEN_BADGES_V3]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"] == {
        "id": "https://peerpath.example/issuer/",
        "type": ["Profile"],
        "name": "Peerpath Training",
        "url": "https://peerpath.example/",
    }
    assert document["validFrom"] == "2026-01-15T09:30:00Z"
    assert document["validUntil"] == "2028-01-15T09:30:00Z"
    subject = document["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Jordan Rivers"
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["criteria"] == {"narrative": data.criteria_narrative}
    assert achievement["alignment"][0]["targetUrl"].endswith("/III.3/")
    assert achievement["alignment"][0]["targetCode"] == "III.3"
    assert document["credentialStatus"]["statusListIndex"] == "94567"
    # Every value is in the canonical form (the strict check passes) and is signed.
    nquads = canonical.canonicalize(document=document)
    for text in ("Jordan Rivers", "III.3", "94567", "Supervised practicum", "Certification"):
        assert f'"{text}"' in nquads


def test_certificate_type_and_no_optional_parts(keys_dir):
    document = ob.build_credential(
        data=credential_input(
            achievement_type="Certificate",
            valid_until=None,
            alignments=(),
            evidence=(),
            credential_status=None,
        )
    )
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert not {"validUntil", "evidence", "credentialStatus"} & set(document)
    assert "alignment" not in document["credentialSubject"]["achievement"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"achievement_type": "Trophy"},  # neither OB 3.0's vocabulary nor "ext:..."
        {"credential_id": "not-a-url"},
        {"holder_name": "  "},
        {"valid_until": datetime(2025, 1, 1, tzinfo=UTC)},
        {"valid_from": datetime(2026, 1, 15, 9, 30)},  # naive
        {"alignments": (ob.Alignment(target_name="x", target_url="javascript:alert(1)"),)},
    ],
    ids=["type", "id", "holder", "until-before-from", "naive-datetime", "alignment-url"],
)
def test_bad_inputs_are_refused(keys_dir, overrides):
    with pytest.raises(ob.exceptions.OpenBadgesError):
        ob.build_credential(data=credential_input(**overrides))


def test_bad_achievement_type_is_a_credential_input_error(keys_dir):
    for refused in ("Diplomas", "ext:", "ext:two words"):
        with pytest.raises(CredentialInputError, match="AchievementType"):
            ob.build_credential(data=credential_input(achievement_type=refused))
    for accepted in ("Fieldwork", "Competency", "ext:SupervisorAttestation"):
        document = ob.build_credential(data=credential_input(achievement_type=accepted))
        assert document["credentialSubject"]["achievement"]["achievementType"] == accepted


# --- Bitstring Status List ----------------------------------------------------------------


def test_bitstring_round_trips_and_index_zero_is_the_leftmost_bit():
    bits = ob.Bitstring()
    assert bits.size == ob.MIN_ENTRIES >= 131_072
    chosen = [0, 7, 8, 94567, 131_071]
    for index in chosen:
        bits.set(index)
    assert bits.to_bytes()[0] == 0b1000_0001 and bits.to_bytes()[1] == 0b1000_0000
    encoded = bits.encode()
    assert encoded.startswith("u") and "=" not in encoded
    decoded = ob.Bitstring.decode(encoded)
    assert decoded.set_indexes() == chosen
    assert decoded.to_bytes() == bits.to_bytes()
    decoded.set(7, False)
    assert not decoded.get(7) and decoded.get(8)


def test_the_specifications_example_list_decodes_to_131072_unset_entries():
    bits = ob.Bitstring.decode(SPEC_EMPTY_LIST)
    assert bits.size == 131_072
    assert bits.set_indexes() == []


def test_malformed_or_short_lists_are_refused():
    import gzip

    short = multibase.multibase_encode(gzip.compress(bytes(1024)), encoding="base64url")
    with pytest.raises(StatusListError, match="at least"):
        ob.Bitstring.decode(short)
    with pytest.raises(StatusListError):
        ob.Bitstring.decode("z" + SPEC_EMPTY_LIST[1:])
    with pytest.raises(StatusListError):
        ob.Bitstring.decode("uAAAA")
    with pytest.raises(StatusListError):
        ob.Bitstring().set(131_072)


def test_allocation_is_random_and_never_collides():
    used: set[int] = set()
    for _ in range(2000):
        index = ob.allocate_status_index(used=used)
        assert 0 <= index < ob.MIN_ENTRIES and index not in used
        used.add(index)
    # Random, not sequential: 2,000 draws spread over the whole range.
    assert max(used) > ob.MIN_ENTRIES * 0.9 and min(used) < ob.MIN_ENTRIES * 0.1


def test_allocation_finds_the_last_free_index_and_then_reports_a_full_list():
    size = ob.MIN_ENTRIES
    free = 12_345
    used = set(range(size)) - {free}
    assert ob.allocate_status_index(used=used) == free
    assert ob.allocate_status_index(used=lambda index: index != free) == free
    used.add(free)
    with pytest.raises(StatusListFullError):
        ob.allocate_status_index(used=used)
    with pytest.raises(StatusListFullError):
        ob.allocate_status_index(used=lambda index: True)


def test_status_entry_shape():
    entry = ob.status_entry(list_url=LIST_URL, index=42)
    assert entry == {
        "id": f"{LIST_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }


def signed_list(revoked):
    return ob.sign_credential(
        credential=ob.status_list_credential(
            list_url=LIST_URL,
            issuer=ob.issuer_id(),
            bitstring=ob.Bitstring.from_indexes(revoked),
            valid_from=NOW - timedelta(days=1),
        )
    )


def test_revocation_flips_the_status_a_verifier_decodes(keys_dir):
    ob.rotate_signing_key()
    index = ob.allocate_status_index(used=set())
    credential = ob.sign_credential(
        credential=ob.build_credential(
            data=credential_input(credential_status=ob.status_entry(list_url=LIST_URL, index=index))
        )
    )
    before = signed_list([index + 1 if index + 1 < ob.MIN_ENTRIES else index - 1])
    assert ob.verify_credential(credential=before, now=NOW).verified
    assert before["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert ob.check_status(credential=credential, status_list=before).status is False

    after = signed_list([index])
    assert ob.verify_credential(credential=after, now=NOW).verified
    assert ob.check_status(credential=credential, status_list=after).status is True


def test_a_status_list_edited_without_re_signing_is_not_trusted(keys_dir):
    ob.rotate_signing_key()
    credential = ob.build_credential(data=credential_input())
    index = int(credential["credentialStatus"]["statusListIndex"])
    forged = signed_list([index])
    forged["credentialSubject"]["encodedList"] = ob.Bitstring().encode()  # "un-revoke"
    check = ob.check_status(credential=credential, status_list=forged)
    assert check.status is None
    assert "does not verify" in check.reasons[0]


def test_status_list_for_another_credential_is_not_used(keys_dir):
    ob.rotate_signing_key()
    credential = ob.build_credential(
        data=credential_input(
            credential_status=ob.status_entry(list_url=LIST_URL + "-other", index=3)
        )
    )
    check = ob.check_status(credential=credential, status_list=signed_list([3]))
    assert check.status is None


# --- keys are never read from the database ------------------------------------------------


def test_key_module_has_no_database_access():
    source = Path(keys.__file__).read_text()
    assert "django.db" not in source and "objects." not in source


def test_the_last_check_compares_the_expanded_values_with_the_rdf_actually_hashed():
    """Second line of defence, independent of pyld's drop reports: every value of the
    expanded document must be in the dataset that is canonicalised and hashed."""
    expanded = [
        {
            "@id": "https://peerpath.example/c/1",
            "https://schema.org/name": [{"@value": "Kept"}],
            "https://schema.org/description": [{"@value": "Lost on the way"}],
        }
    ]
    dataset = {
        "@default": [
            {
                "subject": {"type": "IRI", "value": "https://peerpath.example/c/1"},
                "predicate": {"type": "IRI", "value": "https://schema.org/name"},
                "object": {"type": "literal", "value": "Kept"},
            }
        ]
    }
    with pytest.raises(DroppedPropertyError, match="Lost on the way") as raised:
        canonical._check_dataset(expanded, dataset)
    assert "https://schema.org/description" in raised.value.dropped


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"@context": [contexts.CREDENTIALS_V2], "id": "https://x.example/1"},
        {"proof": "not a proof"},
        {"proof": {"type": "Ed25519Signature2020", "proofPurpose": "assertionMethod"}},
        {"proof": [{}, {}]},
    ],
    ids=["empty", "unsigned", "string-proof", "other-suite", "two-proofs"],
)
def test_verification_of_malformed_input_reports_instead_of_raising(keys_dir, credential):
    result = ob.verify_credential(credential=credential, now=NOW)
    assert (result.verified, result.proof_valid, result.status) == (False, False, "invalid")
    assert result.reasons


def test_a_proof_with_another_purpose_or_an_unknown_context_fails(keys_dir):
    ob.rotate_signing_key()
    signed = ob.sign_credential(credential=ob.build_credential(data=credential_input()))
    other_purpose = copy.deepcopy(signed)
    other_purpose["proof"][0]["proofPurpose"] = "authentication"
    assert "purpose" in ob.verify_credential(credential=other_purpose, now=NOW).reasons[0]
    unknown_context = copy.deepcopy(signed)
    unknown_context["@context"].append("https://contexts.example/extra.jsonld")
    result = ob.verify_credential(credential=unknown_context, now=NOW)
    assert not result.verified and "not shipped" in result.reasons[0]


@pytest.mark.parametrize(
    "body",
    [
        {"@context": 5},
        {"@context": [{"name": {"@id": 3}}]},
        {"@context": [contexts.CREDENTIALS_V2], "credentialSubject": [[1, 2]]},
        {"@context": [contexts.CREDENTIALS_V2], "validFrom": {"@value": []}},
    ],
    ids=["context-number", "bad-term", "nested-lists", "bad-value-object"],
)
def test_garbage_json_ld_with_a_well_formed_proof_is_reported_not_raised(body):
    key = keys.SigningKey.generate()
    credential = {
        **body,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": ob.did_key(key_id=key.key_id),
            "proofPurpose": "assertionMethod",
            "proofValue": multibase.multibase_encode(key.sign(b"anything")),
        },
    }
    result = ob.verify_credential(credential=credential, now=NOW)
    assert not result.verified and result.reasons
