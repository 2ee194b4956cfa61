"""Credential rules as the practicum needs them: hour thresholds, the competencies to be
signed off and the rule for when a sign-off counts as achieved. Read from the version a
trainee is assessed against (pinned, else current) or the credential's current version in
the database (credentials are versioned data, loaded from the frameworks
file and edited by registrars); a code not in the database yet falls back to the file."""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from lms import cache as versioned

from ..models import CredentialVersion
from .frameworks import DEFAULT_FRAMEWORKS_FILE, STANDARDS_VERSION


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


def assessed_versions(*, trainee, codes) -> dict[str, tuple[CredentialVersion, bool]]:
    """For each code, the version the trainee is assessed against and whether it is pinned:
    the version they are pinned to, else the current one. Unknown codes are left out. The
    one source for eligibility and the practicum pages. One query (the current versions are
    kept: `current_versions`).

    The pin (`certification.CredentialEnrolment`, written by `pin_credential` in the
    credentials app above this one) is read through its reverse relation on the version,
    so this app knows the pin only by the relation's name."""
    codes = list(codes)
    found = {}
    for version in CredentialVersion.objects.select_related("credential").filter(
        enrolments__trainee=trainee, credential__code__in=codes
    ):
        found[version.credential.code] = (version, True)
    missing = [code for code in codes if code not in found]
    if missing:
        current = current_versions()
        for code in missing:
            if code in current:
                found[code] = (current[code], False)
    return found


def current_versions() -> dict[str, CredentialVersion]:
    """The newest version of every credential, by code. Kept per process while the
    standards stay the same (a new version is a save, which bumps their version); one query
    when they have changed."""

    def read():
        current = {}
        versions = CredentialVersion.objects.select_related("credential").order_by(
            "credential_id", "-number"
        )
        for version in versions:
            current.setdefault(version.credential.code, version)
        return current

    return versioned.kept(STANDARDS_VERSION, "current-versions", read)


def rules_of_version(version: CredentialVersion) -> CredentialRules:
    """The practicum rules one version of a credential sets."""
    return CredentialRules(
        code=version.credential.code,
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


def credential_rules(
    code: str, *, trainee=None, path: Path = DEFAULT_FRAMEWORKS_FILE
) -> CredentialRules:
    """The practicum rules of a credential (all zero for an unknown code): of the version the
    trainee is assessed against when `trainee` is given (`assessed_versions`, as eligibility
    reads it), else of the current version. One or two queries."""
    if trainee is not None:
        found = assessed_versions(trainee=trainee, codes=[code])
        if code in found:
            return rules_of_version(found[code][0])
    version = current_versions().get(code)
    if version is not None:
        return rules_of_version(version)
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
