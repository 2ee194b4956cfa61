"""Credentials and their versions as data: loading them from the frameworks file and saving
a new version when the rules change (from the file or the admin). A version is never edited:
the trainees assessed against it keep it."""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from lms.audit.services.events import record_event

from ..exceptions import FrameworkDataError
from ..models import Credential, CredentialVersion
from .frameworks import DEFAULT_FRAMEWORKS_FILE, read_frameworks_file

# What each certifying body requires (shared reference data, with sources): the training
# rules of the credentials that the frameworks file also lists are read from here.
DEFAULT_BOARDS_FILE = DEFAULT_FRAMEWORKS_FILE.with_name("boards.yaml")

# Loading from data.


def _number(value) -> float:
    """A number from the boards file, where it is written {value, unit, source, ...}."""
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, int | float) else 0.0


def read_boards_file(path: Path = DEFAULT_BOARDS_FILE) -> dict:
    """The boards file, parsed (an empty file is an empty mapping). The one reader of it:
    the credentials' training rules here, the exam catalogue and the boards app all come
    through this."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise FrameworkDataError(f"Cannot read {path}: {error}") from error


def board_credential_entries(data: dict):
    """(body, credential entry) for every credential of every body in the boards file."""
    for body in data.get("bodies") or []:
        for credential in body.get("credentials") or []:
            yield body, credential


def board_training_rules(path: Path = DEFAULT_BOARDS_FILE) -> dict[str, dict]:
    """Each board credential's training rule, by credential id, as the frameworks file
    writes one: {total, by_domain: {"framework/code": hours}}. Domain codes are the board's,
    prefixed with the credential's framework. Only numbers the file states are taken; a
    credential without a numeric total or split is left out."""
    found = {}
    for _body, credential in board_credential_entries(read_boards_file(path)):
        training = credential.get("training") or {}
        framework = credential.get("framework") or credential.get("id")
        rule = {
            "total": _number(training.get("total")),
            "by_domain": {
                f"{framework}/{code}": _number(hours)
                for code, hours in (training.get("by_domain") or {}).items()
                if _number(hours)
            },
        }
        if "id" in credential and (rule["total"] or rule["by_domain"]):
            found[str(credential["id"])] = rule
    return found


def _training_from(rule: dict) -> dict:
    return {
        "training_hours": float(rule.get("total") or 0),
        "training_hours_by_domain": {
            str(k): float(v) for k, v in (rule.get("by_domain") or {}).items()
        },
        "training_face_to_face_share_min": float(rule.get("face_to_face_share_min") or 0),
        "training_topics": [str(t) for t in rule.get("topics") or []],
    }


def _rules_from_entry(entry: dict, boards: dict | None = None) -> dict:
    """The version fields a frameworks-file entry sets. Its training rule is its own
    `training_hours` when it gives one, else the boards file's rule for the same id."""
    training = entry.get("training_hours") or (boards or {}).get(str(entry.get("id"))) or {}
    practicum = entry.get("practicum") or {}
    rule = entry.get("signoff_rule") or {}
    attestations = list(entry.get("attestations") or [])
    if entry.get("code_of_ethics_attestation") and "code_of_ethics" not in attestations:
        attestations.append("code_of_ethics")
    extra = {key: entry[key] for key in ("exam", "verification") if key in entry}
    rules = {
        "title": str(entry.get("name") or entry["id"]),
        "alignment_statement": " ".join(str(entry.get("alignment_statement") or "").split()),
        "required_courses": [str(slug) for slug in entry.get("required_courses") or []],
        "min_quiz_score": int(entry.get("min_quiz_score") or 0),
        "experience_hours": float(practicum.get("experience_hours") or 0),
        "direct_service_share_min": float(practicum.get("direct_service_share_min") or 0),
        "supervision_hours": float(practicum.get("supervision_hours") or 0),
        "hours_by_domain": {
            str(k): float(v) for k, v in (practicum.get("by_domain") or {}).items()
        },
        **_training_from(training),
        "competency_signoffs": [str(c) for c in entry.get("competency_signoffs") or []],
        "competent_ratings": int(rule.get("competent_ratings", 1)),
        "qualification_current": bool(rule.get("qualification_current", True)),
        "attestations": attestations,
        "validity_months": entry.get("validity_months"),
        "renewal": entry.get("renewal") or {},
        "extra": extra,
    }
    # Only when the file asks for an exam, so the rules of a credential without one compare
    # equal to those loaded before the field existed (no new version for nothing).
    exam = entry.get("exam") or {}
    if exam.get("required"):
        rules["exam_required"] = str(exam.get("key") or entry["id"])
    return rules


def load_credentials(
    *,
    entries: list[dict] | None = None,
    path: Path = DEFAULT_FRAMEWORKS_FILE,
    boards_path: Path = DEFAULT_BOARDS_FILE,
):
    """Create credentials from the data file's `credentials:` and add a version to any whose
    rules in the file differ from its current version. Training rules a credential does not
    state come from the boards file (`board_training_rules`). Idempotent: an unchanged file
    adds nothing, and versions edited in the admin are only superseded when the file
    changes."""
    boards = board_training_rules(boards_path)
    if entries is None:
        entries = read_frameworks_file(path).get("credentials") or []
    counts = {"credentials": 0, "credential_versions": 0}
    with transaction.atomic():
        for entry in entries:
            if "id" not in entry:
                raise FrameworkDataError(f"A credential needs an id: {entry!r:.120}")
            credential, _created = Credential.objects.get_or_create(code=entry["id"])
            issued = bool(entry.get("issued_by_product"))
            if credential.issued_by_product != issued:
                credential.issued_by_product = issued
                credential.save(update_fields=["issued_by_product"])
            counts["credentials"] += 1
            rules = _rules_from_entry(entry, boards)
            # The file's rules are remembered on the version they made; an edit made in the
            # admin since then stays current until the file itself changes.
            loaded = [
                (v.extra or {}).get("source_rules") for v in credential.versions.only("extra")
            ]
            if rules not in loaded:
                version = save_credential_version(
                    credential=credential,
                    actor=None,
                    change_note="Loaded from the frameworks data file.",
                    rules={**rules, "extra": {**rules["extra"], "source_rules": rules}},
                )
                counts["credential_versions"] += int(version is not None)
    return counts


# Versions.


@transaction.atomic
def save_credential_version(
    *, credential: Credential, actor, rules: dict, change_note: str = ""
) -> CredentialVersion | None:
    """A new version of the credential's rules when they differ from the current version;
    None when nothing changed. Earlier versions are kept for the trainees assessed on them."""
    Credential.objects.select_for_update().filter(pk=credential.pk).first()
    current = credential.versions.order_by("-number").first()
    candidate = CredentialVersion(
        credential=credential,
        number=(current.number + 1) if current else 1,
        change_note=change_note[:250],
        created_by=actor if getattr(actor, "pk", None) else None,
        **{name: rules[name] for name in CredentialVersion.RULE_FIELDS if name in rules},
    )
    if current is not None:
        for name in CredentialVersion.RULE_FIELDS:
            if name not in rules:
                setattr(candidate, name, getattr(current, name))
        if _comparable(candidate) == _comparable(current):
            return None
    candidate.full_clean()
    candidate.save()
    credential._current_version = candidate
    record_event(
        actor=actor,
        action="credential.version_created",
        obj=candidate,
        after={"credential": credential.code, "number": candidate.number},
    )
    return candidate


def _comparable(version: CredentialVersion) -> dict:
    rules = version.rules()
    extra = dict(rules.get("extra") or {})
    extra.pop("source_rules", None)
    rules["extra"] = extra
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in rules.items()}
