"""Boards from the data file: each credential's requirements normalised into the shape the
readiness check reads, with the source of every figure kept beside it. Idempotent: an
unchanged file adds nothing; a changed figure adds a version, and versions a registrar made
stay current until the file itself changes."""

from pathlib import Path

from django.db import transaction

from certification.standards.exceptions import FrameworkDataError
from certification.standards.services.credentials import DEFAULT_BOARDS_FILE, read_boards_file
from lms.audit.services.events import record_event

from ..exceptions import BoardDataError
from ..models import Board, BoardCredential, DocumentType, RequirementSet

__all__ = ["DEFAULT_BOARDS_FILE", "load_boards", "normalise", "save_version"]


def _value(node):
    """The figure of a `{value, source, ...}` node, or the node itself when it is bare."""
    return node.get("value") if isinstance(node, dict) else node


def _number(node):
    value = _value(node)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _source(node) -> dict:
    if not isinstance(node, dict):
        return {}
    return {
        key: str(node[key])
        for key in ("source", "verification", "note", "unit")
        if node.get(key) not in (None, "")
    }


def normalise(entry: dict, *, adopted: tuple[dict, dict] | None = None) -> tuple[dict, dict]:
    """(rules, sources) for one credential entry of the data file. A member board's entry
    that `adopts` another body's credential starts from that one's rules and overrides
    what it states itself."""
    rules, sources = ({}, {}) if adopted is None else (_copy(adopted[0]), dict(adopted[1]))
    framework = entry.get("framework") or rules.get("framework") or ""
    if framework:
        rules["framework"] = framework

    def put(section, key, node, *, number=True):
        value = _number(node) if number else _value(node)
        if value is None or value == "":
            return
        rules.setdefault(section, {})[key] = value
        found = _source(node)
        if found:
            sources[f"{section}.{key}"] = found

    training = entry.get("training") or {}
    if isinstance(training, dict):
        put("training", "total", training.get("total"))
        put("training", "face_to_face_share_min", training.get("face_to_face_share_min"))
        for code, node in (training.get("by_domain") or {}).items():
            if _number(node) is not None:
                key = f"{framework}/{code}" if framework else str(code)
                rules.setdefault("training", {}).setdefault("by_domain", {})[key] = _number(node)
                sources[f"training.by_domain.{key}"] = _source(node)
        for code, node in (training.get("min_by_topic") or {}).items():
            if _number(node) is not None:
                rules.setdefault("training", {}).setdefault("min_by_topic", {})[str(code)] = (
                    _number(node)
                )
                sources[f"training.min_by_topic.{code}"] = _source(node)
    experience = entry.get("experience") or {}
    if isinstance(experience, dict):
        put("experience", "hours", experience.get("hours"))
        put("experience", "direct_service_share_min", experience.get("direct_service_share_min"))
        put("experience", "duration", experience.get("duration"), number=False)
    supervision = entry.get("supervision") or {}
    if isinstance(supervision, dict):
        put("supervision", "hours", supervision.get("hours"))
    exam = entry.get("exam") or {}
    if isinstance(exam, dict) and exam:
        put("exam", "name", exam.get("name"), number=False)
        put("exam", "pass_score", exam.get("pass"))
        required = _value(exam.get("required"))
        rules.setdefault("exam", {})["required"] = bool(
            required if required is not None else rules.get("exam", {}).get("name")
        )
    documents = [str(d["code"]) for d in entry.get("documents") or [] if isinstance(d, dict)]
    if documents:
        rules["documents"] = documents
        for d in entry.get("documents") or []:
            if isinstance(d, dict) and _source(d):
                sources[f"documents.{d['code']}"] = _source(d)
    if entry.get("code_of_ethics"):
        put("ethics", "statement", entry.get("code_of_ethics"), number=False)
    eligibility = entry.get("eligibility") or {}
    if isinstance(eligibility, dict) and isinstance(eligibility.get("value"), list):
        # A bare list of conditions with one source for all of them.
        eligibility = {
            f"condition_{number}": {**eligibility, "value": str(text)}
            for number, text in enumerate(eligibility["value"], start=1)
        }
    for name, node in eligibility.items():
        if _value(node):
            rules.setdefault("eligibility", {})[str(name)] = str(_value(node))
            if _source(node):
                sources[f"eligibility.{name}"] = _source(node)
    renewal = entry.get("renewal") or {}
    if isinstance(renewal, dict) and _value(renewal) is None and "value" not in renewal:
        put("renewal", "period_months", renewal.get("period_months"))
        put("renewal", "ce_hours", renewal.get("ce_hours"))
        for code, node in (renewal.get("min_by_topic") or {}).items():
            if _number(node) is not None:
                rules.setdefault("renewal", {}).setdefault("min_by_topic", {})[str(code)] = _number(
                    node
                )
    return rules, sources


def _copy(rules: dict) -> dict:
    return {
        k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
        for k, v in rules.items()
    }


def save_version(*, credential, rules: dict, sources: dict, actor, note: str, from_file=False):
    """A new version of a board credential's requirements (never an edit), audited."""
    latest = credential.versions.order_by("-number").first()
    version = RequirementSet.objects.create(
        credential=credential,
        number=(latest.number + 1) if latest else 1,
        rules=rules,
        sources=sources,
        change_note=note[:250],
        from_data_file=from_file,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="board_requirements.versioned",
        obj=version,
        after={"credential": credential.code, "number": version.number, "note": note[:250]},
    )
    return version


def load_boards(*, path: Path = DEFAULT_BOARDS_FILE) -> dict[str, int]:
    """Load (or refresh) every body, credential, document type and requirement set."""
    try:
        data = read_boards_file(path)
    except FrameworkDataError as error:
        raise BoardDataError(str(error)) from error
    counts = {"boards": 0, "credentials": 0, "versions": 0, "document_types": 0}
    with transaction.atomic():
        for doc in data.get("document_types") or []:
            DocumentType.objects.update_or_create(
                code=doc["code"], defaults={"title": str(doc.get("title") or doc["code"])}
            )
            counts["document_types"] += 1
        entries = {}
        for body in data.get("bodies") or []:
            if "id" not in body:
                raise BoardDataError(f"A body needs an id: {body!r:.120}")
            board, _ = Board.objects.update_or_create(
                code=body["id"],
                defaults={
                    "name": str(body.get("name") or body["id"]),
                    "url": str(body.get("url") or ""),
                    "kind": str(body.get("kind") or ""),
                    "note": " ".join(str(body.get("note") or "").split()),
                },
            )
            counts["boards"] += 1
            for entry in body.get("credentials") or []:
                entries[entry["id"]] = (board, entry)
        normalised: dict[str, tuple[dict, dict]] = {}

        def rules_of(code: str, seen=()):
            if code in normalised:
                return normalised[code]
            if code in seen or code not in entries:
                raise BoardDataError(f"Unknown or circular 'adopts': {code}")
            entry = entries[code][1]
            adopted = rules_of(entry["adopts"], (*seen, code)) if entry.get("adopts") else None
            normalised[code] = normalise(entry, adopted=adopted)
            return normalised[code]

        for code, (board, entry) in entries.items():
            rules, sources = rules_of(code)
            credential, _ = BoardCredential.objects.update_or_create(
                code=code,
                defaults={
                    "board": board,
                    "name": str(entry.get("name") or code),
                    "framework": rules.get("framework", ""),
                    "domain_term": str(entry.get("domain_term") or ""),
                },
            )
            counts["credentials"] += 1
            loaded = [v.rules for v in credential.versions.filter(from_data_file=True)]
            if rules not in loaded:
                save_version(
                    credential=credential,
                    rules=rules,
                    sources=sources,
                    actor=None,
                    note="Loaded from the boards data file.",
                    from_file=True,
                )
                counts["versions"] += 1
    return counts
