"""A registrar's change to a board credential's requirements: a new version from the form's
figures over the current version's (what the form does not show is carried over)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import BoardError
from ..models import BoardCredential
from .loading import save_version

__all__ = ["revise_requirements"]


def _set(section: dict, key: str, value) -> None:
    if value in (None, "", {}, []):
        section.pop(key, None)
    else:
        section[key] = value


@transaction.atomic
def revise_requirements(*, registrar, credential: BoardCredential, data: dict):
    current = credential.current
    rules = {
        k: (dict(v) if isinstance(v, dict) else v)
        for k, v in (current.rules if current else {}).items()
    }
    training = dict(rules.get("training") or {})
    _set(
        training,
        "total",
        float(data["training_total"]) if data.get("training_total") is not None else None,
    )
    _set(training, "by_domain", data.get("training_by_domain") or {})
    share = data.get("face_to_face_percent")
    _set(training, "face_to_face_share_min", share / 100 if share else None)
    experience = dict(rules.get("experience") or {})
    hours = data.get("experience_hours")
    _set(experience, "hours", float(hours) if hours is not None else None)
    supervision = dict(rules.get("supervision") or {})
    hours = data.get("supervision_hours")
    _set(supervision, "hours", float(hours) if hours is not None else None)
    exam = dict(rules.get("exam") or {})
    exam["required"] = bool(data.get("exam_required"))
    _set(exam, "name", (data.get("exam_name") or "").strip())
    for name, section in (
        ("training", training),
        ("experience", experience),
        ("supervision", supervision),
        ("exam", exam),
    ):
        _set(rules, name, section)
    _set(rules, "documents", list(data.get("documents") or []))
    if current is not None and rules == current.rules:
        raise BoardError(
            _("Nothing changed: these are the current requirements."),
            fields={None: [_("Nothing changed: these are the current requirements.")]},
        )
    note = data["change_note"].strip()
    # Each figure keeps the source it was loaded with while it is unchanged; a changed one
    # now rests on the registrar's note.
    before, after = _flatten(current.rules if current else {}), _flatten(rules)
    sources = {
        path: found
        for path, found in (current.sources or {} if current else {}).items()
        if path in after and before.get(path) == after[path]
    }
    for path, value in after.items():
        if before.get(path) != value:
            sources[path] = {"source": note, "verification": "entered by a registrar"}
    return save_version(
        credential=credential, rules=rules, sources=sources, actor=registrar, note=note
    )


def _flatten(rules: dict, prefix: str = "") -> dict:
    """{"training.by_domain.icrc-pr/ethics": 16, ...}: one path per figure."""
    flat = {}
    for key, value in rules.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        elif isinstance(value, list):
            for item in value:
                flat[f"{path}.{item}"] = True
        else:
            flat[path] = value
    return flat
