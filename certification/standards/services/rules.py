"""Credential rules as the practicum needs them: hour thresholds, the competencies to be
signed off and the rule for when a sign-off counts as achieved. Read from the credential's
current version in the database (credentials are versioned data, loaded from the frameworks
file and edited by registrars); a code not in the database yet falls back to the file."""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..models import CredentialVersion
from .frameworks import DEFAULT_FRAMEWORKS_FILE


@dataclass(frozen=True)
class SignOffRule:
    """A competency is achieved with at least `competent_ratings` ratings of "competent",
    from raters whose qualification was in date when they signed if `qualification_current`."""

    competent_ratings: int = 1
    qualification_current: bool = True

    def describe(self) -> str:
        count = "one" if self.competent_ratings == 1 else str(self.competent_ratings)
        who = (
            "a supervisor with an in-date qualification"
            if self.qualification_current
            else ("a supervisor")
        )
        plural = "rating" if self.competent_ratings == 1 else "ratings"
        return f"Achieved with {count} “competent” {plural} from {who}."


@dataclass(frozen=True)
class CredentialRules:
    code: str
    name: str = ""
    experience_hours: float = 0
    supervision_hours: float = 0
    direct_service_share_min: float = 0
    competency_signoffs: tuple[str, ...] = ()
    signoff_rule: SignOffRule = field(default_factory=SignOffRule)
    version: int = 0


@lru_cache(maxsize=8)
def _credentials(path: str) -> dict[str, dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {entry["id"]: entry for entry in data.get("credentials") or [] if "id" in entry}


def credential_rules(code: str, *, path: Path = DEFAULT_FRAMEWORKS_FILE) -> CredentialRules:
    """The practicum rules of a credential's current version (all zero for an unknown code).
    One query."""
    version = CredentialVersion.objects.filter(credential__code=code).order_by("-number").first()
    if version is not None:
        return CredentialRules(
            code=code,
            name=version.title,
            experience_hours=float(version.experience_hours),
            supervision_hours=float(version.supervision_hours),
            direct_service_share_min=float(version.direct_service_share_min),
            competency_signoffs=tuple(version.competency_signoffs or ()),
            signoff_rule=SignOffRule(
                competent_ratings=version.competent_ratings,
                qualification_current=version.qualification_current,
            ),
            version=version.number,
        )
    entry = _credentials(str(path)).get(code, {})
    practicum = entry.get("practicum") or {}
    rule = entry.get("signoff_rule") or {}
    return CredentialRules(
        code=code,
        name=entry.get("name", code),
        experience_hours=float(practicum.get("experience_hours") or 0),
        supervision_hours=float(practicum.get("supervision_hours") or 0),
        direct_service_share_min=float(practicum.get("direct_service_share_min") or 0),
        competency_signoffs=tuple(entry.get("competency_signoffs") or ()),
        signoff_rule=SignOffRule(
            competent_ratings=int(rule.get("competent_ratings", 1)),
            qualification_current=bool(rule.get("qualification_current", True)),
        ),
    )
