"""What a packet shows: the public snapshot, section by section, from the records Peerpath
holds. Only allow-listed values are copied (names, titles, dates, hours, qualifications,
digests); no description, reflection, note, account or comment is ever read into it.

Each item carries a `ref` ({"kind", "id"}) so that `standing` can later say whether the
record it came from still stands."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from certification.credentials.models import Attestation, Certificate
from certification.credentials.services import credentials as credential_services
from certification.practicum.models import (
    Placement,
    PracticumEntry,
    SignOffRating,
    SignOffRequest,
)
from certification.recognition.models import PriorLearningClaim
from certification.standards.models import Domain
from certification.verification import services as verification_services
from lms import hours as training_hours
from lms.site import absolute_url

from ..models import Section
from . import exams


def person_name(user) -> str:
    """A supervisor's or rater's name as a board reads it: their legal name, else the name
    they go by."""
    return user.legal_name or user.display_name


def _hours(value) -> str:
    """Hours as a plain decimal string ("12", "1.5"), exact in JSON."""
    number = Decimal(value).quantize(Decimal("0.01")).normalize()
    return f"{number:f}"


def _minutes_as_hours(minutes: int) -> str:
    return _hours(Decimal(minutes) / 60)


def _absolute(url: str) -> str:
    return absolute_url(url) if url.startswith("/") else url


# --- Training hours ---------------------------------------------------------------------------


def course_certificate_for(*, trainee_id: int, line) -> dict | None:
    """The course certificate behind a course line of training hours ("course:<id>:v<n>"),
    as {"title", "code", "url"}, or None when the course has none standing."""
    kind, _sep, rest = line.key.partition(":")
    course_id = rest.partition(":")[0]
    if kind != "course" or not course_id.isdigit():
        return None
    certificate = (
        Certificate.objects.active()
        .filter(trainee_id=trainee_id, kind=Certificate.Kind.COURSE, course_id=int(course_id))
        .order_by("-issued_on", "-pk")
        .first()
    )
    if certificate is None:
        return None
    return {
        "title": certificate.credential_title,
        "code": certificate.grouped_code,
        "url": certificate.verification_url,
    }


# Sources whose titles and providers the trainee typed (outside training, prior learning):
# they may tell of their own history, so a packet names them by what they are and who
# checked them, never by the trainee's words. The board gets the certificate from the trainee.
TRAINEE_WORDED = {
    "outside": "Outside training, certificate verified by a registrar",
    "prior_learning": "Recognised prior learning, accepted by an assessor",
}


def _prior_learning(trainee) -> list[dict]:
    """Credit an assessor accepted, one requirement each: what it was for, the hours granted
    and when it was decided. Never the trainee's own account of it."""
    items = []
    for claim in PriorLearningClaim.objects.filter(
        trainee=trainee,
        status__in=[PriorLearningClaim.Status.ACCEPTED, PriorLearningClaim.Status.PARTLY_ACCEPTED],
    ).order_by("decided_at", "pk"):
        items.append(
            {
                "ref": {"kind": "prior_learning", "id": claim.pk},
                "title": TRAINEE_WORDED["prior_learning"],
                "kind": claim.get_kind_display(),
                "status": claim.get_status_display(),
                "hours": ""
                if claim.granted_hours is None
                else f"{claim.granted_hours.normalize():f}",
                "decided_on": timezone.localdate(claim.decided_at).isoformat(),
            }
        )
    return items


def _training(trainee, domain_titles) -> dict:
    lines = [line for line in training_hours.lines_for([trainee.pk])[trainee.pk] if line.counts]
    items = []
    for line in lines:
        worded = line.source in TRAINEE_WORDED
        item = {
            "ref": {"kind": "hours", "id": line.key},
            "source": line.source,
            "title": TRAINEE_WORDED[line.source] if worded else line.title,
            "on": line.on.isoformat(),
            "total": _hours(line.total),
            "hours_by_domain": {key: _hours(value) for key, value in line.hours_by_domain.items()},
            "provider": "" if worded else line.provider,
            "delivery": training_hours.Delivery.label(line.delivery),
            "url": _absolute(line.url) if line.url else "",
            "certificate": None,
        }
        if line.source == "course":
            item["certificate"] = course_certificate_for(trainee_id=trainee.pk, line=line)
        items.append(item)
    totals = training_hours.sum_by_domain(lines)
    return {
        "lines": items,
        "total": _hours(sum((line.total for line in lines), Decimal(0))),
        "by_domain": _by_domain(
            {key: _hours(value) for key, value in totals.items()}, domain_titles
        ),
    }


def _by_domain(hours: dict[str, str], domain_titles) -> list[dict]:
    return [
        {"key": key, "title": domain_titles.get(key, key), "hours": value}
        for key, value in sorted(hours.items())
    ]


# --- Practicum --------------------------------------------------------------------------------


def _standing_entries(entries) -> list:
    """Approved entries that count: an approved correction replaces the entry it corrects."""
    replaced = {entry.corrects_id for entry in entries if entry.corrects_id}
    return [entry for entry in entries if entry.pk not in replaced]


def _practicum(trainee, placements, domain_titles) -> list[dict]:
    found = []
    for placement in placements:
        approved = [
            e for e in placement.entries.all() if e.status == PracticumEntry.Status.APPROVED
        ]
        entries = _standing_entries(approved)
        by_domain: dict[str, int] = defaultdict(int)
        direct = supervision = total = 0
        rows = []
        for entry in sorted(entries, key=lambda e: (e.date, e.start_time, e.pk)):
            total += entry.minutes
            direct += entry.minutes if entry.activity.direct else 0
            supervision += entry.minutes if entry.activity.counts_as_supervision else 0
            keys = sorted(domain.key for domain in entry.domains.all())
            for key in keys:
                by_domain[key] += entry.minutes
            rows.append(
                {
                    "ref": {"kind": "entry", "id": entry.pk},
                    "date": entry.date.isoformat(),
                    "activity": entry.activity.title,
                    "hours": _minutes_as_hours(entry.minutes),
                    "domains": keys,
                    "signed_by": person_name(entry.decided_by) if entry.decided_by else "",
                    "qualification": entry.signed_qualification,
                    "signed_on": timezone.localdate(entry.decided_at).isoformat()
                    if entry.decided_at
                    else "",
                    "digest": entry.content_hash,
                }
            )
        found.append(
            {
                "ref": {"kind": "placement", "id": placement.pk},
                "host": placement.host.name,
                "credential_code": placement.credential_code,
                "starts_on": placement.starts_on.isoformat(),
                "ends_on": placement.ends_on.isoformat(),
                "supervisors": [
                    {
                        "name": person_name(link.supervisor),
                        "qualification": link.qualification,
                        "qualification_expires": link.qualification_expires.isoformat()
                        if link.qualification_expires
                        else "",
                    }
                    for link in placement.supervisor_links.all()
                ],
                "hours": _minutes_as_hours(total),
                "direct_hours": _minutes_as_hours(direct),
                "supervision_hours": _minutes_as_hours(supervision),
                "by_domain": _by_domain(
                    {key: _minutes_as_hours(value) for key, value in by_domain.items()},
                    domain_titles,
                ),
                "entries": rows,
            }
        )
    return found


def _signoffs(placements) -> list[dict]:
    found = []
    for placement in placements:
        for request in placement.signoff_requests.all():
            competency = request.competency
            found.append(
                {
                    "ref": {"kind": "signoff", "id": request.pk},
                    "competency": competency.key,
                    "title": competency.text,
                    "host": placement.host.name,
                    "credential_code": placement.credential_code,
                    "ratings": [
                        {
                            "ref": {"kind": "rating", "id": rating.pk},
                            "rater": person_name(rating.rater),
                            "qualification": rating.rater_qualification,
                            "qualification_current": rating.qualification_current,
                            "rating": rating.get_rating_display(),
                            "on": timezone.localdate(rating.created_at).isoformat(),
                            "digest": rating.content_hash,
                        }
                        for rating in request.ratings.all()
                    ],
                }
            )
    return found


# --- The rest ---------------------------------------------------------------------------------


def _ethics(trainee) -> list[dict]:
    found = []
    for attestation in Attestation.objects.filter(trainee=trainee).order_by("attested_at"):
        wording = credential_services.ATTESTATIONS.get(attestation.code)
        if wording is None:
            continue
        found.append(
            {
                "ref": {"kind": "ethics", "id": attestation.pk},
                "title": str(wording["title"]),
                "statement": str(wording["statement"]),
                "on": timezone.localdate(attestation.attested_at).isoformat(),
            }
        )
    return found


def _certificates(trainee) -> list[dict]:
    shown = (
        Certificate.objects.filter(trainee=trainee, hidden=False)
        .exclude(status=Certificate.Status.PENDING)
        .select_related("replaced_by")
        .order_by("issued_on", "pk")
    )
    return [
        {
            "ref": {"kind": "certificate", "id": certificate.pk},
            **verification_services.public_record(certificate),
        }
        for certificate in shown
    ]


def _placements(trainee):
    return list(
        Placement.objects.filter(trainee=trainee)
        .select_related("host")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=PracticumEntry.objects.filter(status=PracticumEntry.Status.APPROVED)
                .select_related("activity", "decided_by")
                .prefetch_related("domains__framework"),
            ),
            "supervisor_links__supervisor",
            Prefetch(
                "signoff_requests",
                queryset=SignOffRequest.objects.select_related(
                    "competency__domain__framework"
                ).prefetch_related(
                    Prefetch("ratings", queryset=SignOffRating.objects.select_related("rater"))
                ),
            ),
        )
        .order_by("starts_on", "pk")
    )


def holder_name(trainee) -> str:
    return credential_services.proposed_certificate_name(trainee) or trainee.display_name


def build_content(*, trainee, sections, draft: bool) -> dict:
    """The packet's public snapshot for these sections (values of `Section`)."""
    chosen = [value for value in Section.values if value in set(sections)]
    domain_titles = {
        domain.key: domain.title for domain in Domain.objects.select_related("framework")
    }
    placements = (
        _placements(trainee) if {"practicum", "signoffs", "attestations"} & set(chosen) else []
    )
    content = {
        "holder_name": holder_name(trainee),
        "draft": draft,
        "made_on": timezone.localdate().isoformat(),
        "sections": chosen,
    }
    if Section.TRAINING in chosen:
        content["training"] = _training(trainee, domain_titles)
    if Section.PRACTICUM in chosen:
        content["practicum"] = _practicum(trainee, placements, domain_titles)
    if Section.SIGNOFFS in chosen:
        content["signoffs"] = _signoffs(placements)
    if Section.ETHICS in chosen:
        content["ethics"] = _ethics(trainee)
    if Section.EXAMS in chosen:
        content["exams"] = [
            {"ref": {"kind": "exam", "id": result["key"]}, **result}
            for result in exams.results_for(trainee.pk)
        ]
    if Section.PRIOR_LEARNING in chosen:
        content["prior_learning"] = _prior_learning(trainee)
    if Section.CERTIFICATES in chosen:
        content["certificates"] = _certificates(trainee)
    if Section.ATTESTATIONS in chosen:
        content["attestations"] = [
            {
                "ref": {"kind": "placement", "id": placement.pk},
                "host": placement.host.name,
                "starts_on": placement.starts_on.isoformat(),
                "ends_on": placement.ends_on.isoformat(),
                "supervisors": [
                    person_name(link.supervisor) for link in placement.supervisor_links.all()
                ],
            }
            for placement in placements
            if placement.agreed
        ]
    return content


def with_standing(content: dict, found: dict | None) -> dict:
    """A copy of the content in which every item with a `ref` says whether it still stands
    (`standing`: {"stands", "label"}), for the pages and the PDF; `found` from
    `packets.standing`, or None for a preview (everything stands as it is now)."""
    copy = json.loads(json.dumps(content))

    def mark(item):
        ref = item.get("ref")
        if ref is None or found is None:
            return
        state = (found or {}).get(f"{ref['kind']}:{ref['id']}")
        item["standing"] = (
            {"stands": state.stands, "label": state.label}
            if state
            else {"stands": True, "label": ""}
        )

    for line in copy.get("training", {}).get("lines", []):
        mark(line)
    for placement in copy.get("practicum", []):
        for entry in placement["entries"]:
            mark(entry)
    for key in ("ethics", "exams", "certificates"):
        for item in copy.get(key, []):
            mark(item)
    return copy
