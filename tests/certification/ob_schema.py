"""1EdTech's Open Badges 3.0 AchievementCredential JSON Schema, offline: the copy shipped in
certification/credentials/data/schemas/ (see its README), with a retriever that refuses
every URL."""

import copy
import json
from functools import cache
from pathlib import Path

import jsonschema_rs

SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "certification"
    / "credentials"
    / "data"
    / "schemas"
    / "ob_v3p0_achievementcredential_schema.json"
)


def _refuse(uri):
    raise ValueError(f"Nothing is fetched while validating: {uri}")


@cache
def _schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@cache
def _validator(definition: str | None = None):
    schema = _schema()
    if definition is not None:
        schema = {**schema["$defs"][definition], "$defs": schema["$defs"]}
    return jsonschema_rs.Draft201909Validator(schema, retriever=_refuse, validate_formats=True)


def errors(document: dict, *, definition: str | None = None) -> list[tuple[str, str]]:
    """(instance path, message) of every schema error."""
    return [
        ("/" + "/".join(str(part) for part in error.instance_path), error.message)
        for error in _validator(definition).iter_errors(document)
    ]


def assert_valid_open_badge(credential: dict) -> None:
    """The credential validates against the 1EdTech schema, but for the one documented
    difference (README): `credentialStatus` as an array of entries, each a valid
    `CredentialStatus`, the credential valid with any one of them in its place."""
    assert isinstance(credential["proof"], list), "proof must be an array"
    status = credential.get("credentialStatus")
    if not isinstance(status, list):
        assert errors(credential) == []
        return
    found = errors(credential)
    assert found and {path for path, _message in found} == {"/credentialStatus"}, found
    for entry in status:
        assert errors(entry, definition="CredentialStatus") == []
        single = copy.deepcopy(credential)
        single["credentialStatus"] = entry
        assert errors(single) == [], errors(single)
