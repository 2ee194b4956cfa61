"""The packet's machine-readable record: a Comprehensive Learner Record 2.0 `ClrCredential`.

Its `credentialSubject` (a `ClrSubject`) holds every record of the packet as a signed
OpenBadgeCredential (`verifiableCredential`), their achievements (`achievement`) and how they
relate (`association`: each practicum, sign-off and training record `isPartOf` the Peerpath
certificate it counted toward). Peerpath's own certificates go in as they were signed at
issue; the other records are signed here, with the issuer's key. Achievement types (OB 3.0's
vocabulary, extended where it has no word): supervised practice "Fieldwork", a competency
sign-off "Competency", a course line of training hours "Course" (other training
"ext:TrainingHours"), an exam "Assessment", the ethics attestation "ext:EthicsAttestation",
a supervisor's attestation "ext:SupervisorAttestation".

Every context comes from a shipped file (the CLR 2.0 context in this app's data/jsonld/)
through the credentials app's frozen loader; signing refuses a document that
canonicalisation would lose any part of.

Not represented: CLR 2.0's `ClrSubject.identifier` and the holder's `id` (Peerpath identifies
holders by name only, as its Open Badges do), and `endorsement` (nobody endorses a packet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.utils import timezone

from certification.credentials import openbadges
from certification.credentials.openbadges.contexts import (
    CREDENTIALS_V2,
    DEFAULT_LOADER,
    OPEN_BADGES_V3,
)
from certification.credentials.openbadges.proof import format_datetime
from certification.credentials.services import lifecycle

from ..exceptions import EmptyPacketError

CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "data" / "jsonld"
LOADER = DEFAULT_LOADER.extended({CLR_V2: CONTEXTS_DIR / "clr-v2p0-context-2.0.1.json"})


def _moment(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)


@dataclass
class _Record:
    slug: str  # unique within the packet: "practicum-12"
    name: str
    description: str
    criteria: str
    achievement_type: str
    on: str  # ISO date it was achieved
    part_of: str = ""  # credential code of the Peerpath certificate it counted toward
    alignments: tuple = field(default_factory=tuple)


def _records(content: dict, attestations: list[dict]) -> list[_Record]:
    found = []
    for line in content.get("training", {}).get("lines", []):
        domains = ", ".join(f"{k} {v} h" for k, v in sorted(line["hours_by_domain"].items()))
        found.append(
            _Record(
                slug=f"training-{line['ref']['id']}".replace(":", "-"),
                name=f"{line['title']}: {line['total']} training hours",
                description=f"{line['total']} hours of training ({line['delivery']}), "
                f"completed {line['on']}"
                + (f", by {line['provider']}" if line["provider"] else "")
                + ".",
                criteria="Credited to the holder's training-hours ledger on Peerpath"
                + (f"; by domain: {domains}." if domains else "."),
                achievement_type="Course" if line["source"] == "course" else "ext:TrainingHours",
                on=line["on"],
            )
        )
    for placement in content.get("practicum", []):
        supervisors = "; ".join(
            f"{s['name']} ({s['qualification']})" for s in placement["supervisors"]
        )
        domains = ", ".join(f"{d['key']} {d['hours']} h" for d in placement["by_domain"])
        found.append(
            _Record(
                slug=f"practicum-{placement['ref']['id']}",
                name=f"Supervised practice at {placement['host']}: {placement['hours']} hours",
                description=(
                    f"{placement['hours']} hours of supervised practice at {placement['host']}, "
                    f"{placement['starts_on']} to {placement['ends_on']}; "
                    f"{placement['direct_hours']} hours direct service, "
                    f"{placement['supervision_hours']} hours supervision. Supervisors: "
                    f"{supervisors or 'none recorded'}."
                ),
                criteria=(
                    f"{len(placement['entries'])} entries, each approved and signed by a "
                    "placement supervisor with the qualification shown"
                    + (f"; by domain: {domains}." if domains else ".")
                ),
                achievement_type="Fieldwork",
                on=placement["entries"][-1]["date"]
                if placement["entries"]
                else placement["starts_on"],
                part_of=placement["credential_code"],
            )
        )
    for signoff in content.get("signoffs", []):
        raters = "; ".join(
            f"{r['rater']} ({r['qualification']}): {r['rating']}, {r['on']}"
            for r in signoff["ratings"]
        )
        found.append(
            _Record(
                slug=f"signoff-{signoff['ref']['id']}",
                name=f"Competency sign-off: {signoff['competency']}",
                description=f"{signoff['title']} (at {signoff['host']}).",
                criteria=f"Rated by placement supervisors: {raters or 'no rating yet'}.",
                achievement_type="Competency",
                on=signoff["ratings"][-1]["on"] if signoff["ratings"] else content["made_on"],
                part_of=signoff["credential_code"],
            )
        )
    for item in content.get("ethics", []):
        found.append(
            _Record(
                slug=f"ethics-{item['ref']['id']}",
                name=item["title"],
                description=item["statement"],
                criteria="Attested by the holder on Peerpath.",
                achievement_type="ext:EthicsAttestation",
                on=item["on"],
            )
        )
    for exam in content.get("exams", []):
        score = f", scaled score {exam['scaled_score']}" if exam["scaled_score"] else ""
        found.append(
            _Record(
                slug=f"exam-{exam['key']}".replace(":", "-"),
                name=f"{exam['exam']} ({exam['board']})",
                description=f"{exam['outcome'].capitalize()}{score}, {exam['date']}.",
                criteria="Result recorded by a Peerpath registrar from the board's notice.",
                achievement_type="Assessment",
                on=exam["date"],
            )
        )
    for attestation in attestations:
        found.append(
            _Record(
                slug=f"attestation-{attestation['id']}",
                name=f"Supervisor's attestation: {attestation['host']}",
                description=attestation["statement"],
                criteria=f"Confirmed online by {attestation['supervisor']} "
                f"({attestation['qualification']}) on {attestation['on']}; digest "
                f"{attestation['digest']}.",
                achievement_type="ext:SupervisorAttestation",
                on=attestation["on"],
            )
        )
    return found


def _achievement_id(packet_url: str, slug: str) -> str:
    return f"{packet_url}#achievement-{slug}"


def _credential(packet_url: str, holder: str, issuer: dict, record: _Record) -> dict:
    return openbadges.build_credential(
        data=openbadges.CredentialInput(
            credential_id=f"{packet_url}#{record.slug}",
            holder_name=holder,
            achievement_id=_achievement_id(packet_url, record.slug),
            achievement_name=record.name,
            achievement_description=record.description,
            criteria_narrative=record.criteria,
            achievement_type=record.achievement_type,
            valid_from=_moment(record.on),
            issuer=issuer,
        )
    )


def build_clr(
    *, url: str, content: dict, certificates: dict[int, dict], attestations: list[dict]
) -> dict:
    """The signed ClrCredential for a packet's content (at `url`, its verification
    address): every record signed on its own, then the whole. `certificates`: the signed
    credential of each included certificate, by id; `attestations`: the confirmed supervisor
    attestations (see `packets.attestation_record`)."""
    issuer_id, _base = lifecycle.record_issuer()
    issuer = openbadges.issuer_summary(issuer=issuer_id)
    holder = content["holder_name"]
    records = _records(content, attestations)
    credentials = [
        lifecycle.sign_as_issuer(_credential(url, holder, issuer, record), issuer_id)
        for record in records
    ]
    achieved = {}  # credential code -> the certificate's achievement id
    for certificate in content.get("certificates", []):
        signed = certificates.get(certificate["ref"]["id"])
        if signed:
            credentials.append(signed)
            achieved[certificate["credential"]["code"]] = signed["credentialSubject"][
                "achievement"
            ]["id"]
    if not credentials:
        raise EmptyPacketError()
    achievements = [c["credentialSubject"]["achievement"] for c in credentials]
    associations = [
        {
            "type": "Association",
            "associationType": "isPartOf",
            "sourceId": _achievement_id(url, record.slug),
            "targetId": achieved[record.part_of],
        }
        for record in records
        if record.part_of in achieved
    ]
    subject = {"type": ["ClrSubject"], "verifiableCredential": credentials}
    if achievements:
        subject["achievement"] = _unique(achievements)
    if associations:
        subject["association"] = associations
    kind = "Draft board application packet" if content["draft"] else "Board application packet"
    document = {
        "@context": [CREDENTIALS_V2, CLR_V2, OPEN_BADGES_V3],
        "id": url,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"{kind}: {holder}",
        "description": (
            "DRAFT: made before the holder was ready; not an application. "
            if content["draft"]
            else ""
        )
        + "Training, supervised practice and sign-offs held by Peerpath, each signed.",
        "issuer": issuer,
        "validFrom": format_datetime(timezone.now().replace(microsecond=0)),
        "credentialSubject": subject,
    }
    return lifecycle.sign_as_issuer(document, issuer_id, loader=LOADER)


def _unique(achievements: list[dict]) -> list[dict]:
    seen, found = set(), []
    for achievement in achievements:
        if achievement["id"] not in seen:
            seen.add(achievement["id"])
            found.append(achievement)
    return found


@dataclass
class ClrCheck:
    verified: bool  # the outer proof and every embedded one
    outer: openbadges.VerificationResult
    embedded: list[tuple[str, openbadges.VerificationResult]]  # (credential id, result)

    @property
    def reasons(self) -> list[str]:
        found = list(self.outer.reasons)
        for credential_id, result in self.embedded:
            found += [f"{credential_id}: {reason}" for reason in result.reasons]
        return found


def verify_clr(*, clr: dict, **options) -> ClrCheck:
    """The project's verifier on a ClrCredential: its own proof, and each embedded
    credential's proof on its own. Proofs only (a certificate's status is for `standing`);
    dates are not checked, since a packet records what stood when it was made."""
    outer = openbadges.verify_credential(
        credential=clr, loader=LOADER, check_dates=False, **options
    )
    embedded = [
        (
            str(credential.get("id", "")),
            openbadges.verify_credential(credential=credential, check_dates=False, **options),
        )
        for credential in (clr.get("credentialSubject") or {}).get("verifiableCredential", [])
    ]
    return ClrCheck(
        verified=outer.verified and all(result.verified for _id, result in embedded),
        outer=outer,
        embedded=embedded,
    )
