"""What the public may know about a certificate, for the verify page, its JSON and the
roster check. One allow-list (`public_record`) for every public output, so a private field
can never leak through one of them. Unknown, malformed, hidden and not-yet-ready codes are
indistinguishable: `find_certificate` returns None for all of them."""

from datetime import date

from django.urls import reverse

from certification.credentials.models import Certificate, EligibilityLetter
from certification.credentials.services.codes import normalise_code
from certification.credentials.services.lifecycle import public_status
from lms.site import absolute_url

__all__ = [
    "find_certificate",
    "find_certificates",
    "public_letter",
    "public_record",
]


def _public(queryset):
    return queryset.exclude(status=Certificate.Status.PENDING).filter(hidden=False)


# The columns `public_status` and `public_record` read. Verification loads only these: the
# query is then a fraction of the work to build and fetch (every public check runs it cold).
PUBLIC_COLUMNS = (
    "verification_code",
    "status",
    "hidden",
    "holder_name",
    "credential_code",
    "credential_title",
    "credential_version_number",
    "alignment_statement",
    "competencies",
    "issuing_organisation",
    "issued_on",
    "expires_on",
    "revoked_at",
    "replaced_at",
    "suspended_at",
    "basis",
    "route",
    "holder_erased_at",
    "replaced_by__verification_code",
    "replaced_by__hidden",
    "kind",
    "contact_hours",
    "attended_from",
    "attended_to",
    "provider",
)


def find_certificate(text) -> Certificate | None:
    """The certificate a typed or scanned code points at, or None (unknown, malformed,
    hidden by its holder, or still being prepared: all look the same). One query, of the
    public columns only (others load on access)."""
    code = normalise_code(text)
    if code is None:
        return None
    # Codes are unique: no ORDER BY (the model's default ordering only slows the query).
    found = (
        _public(Certificate.objects.select_related("replaced_by"))
        .filter(verification_code=code)
        .only(*PUBLIC_COLUMNS)
        .order_by()[:1]
    )
    return next(iter(found), None)


def find_certificates(codes) -> dict[str, Certificate]:
    """Many codes at once (rosters): {normalised code: certificate} for the findable ones.
    One query whatever the number of codes."""
    wanted = {c for c in (normalise_code(text) for text in codes) if c}
    found = _public(Certificate.objects.select_related("replaced_by")).filter(
        verification_code__in=wanted
    )
    return {c.verification_code: c for c in found}


def _alignment(item: dict) -> dict:
    """A competency on the certificate, with its stable public framework page."""
    framework, _sep, code = str(item.get("code", "")).partition("/")
    url = (
        absolute_url(reverse("frameworks:node", kwargs={"framework": framework, "code": code}))
        if framework and code
        else ""
    )
    return {"code": item.get("code", ""), "title": item.get("text", ""), "url": url}


def public_record(certificate: Certificate, *, today: date | None = None) -> dict:
    """Every field the public may see, and nothing else: no email, no reason for a
    revocation, nothing about the holder's lived experience or health. After the holder's
    data is erased, the same answer without their name."""
    status = public_status(certificate, today=today)
    replacement = status.replacement
    basis = certificate.basis_of_issue
    return {
        "code": certificate.grouped_code,
        "status": {
            "state": status.state,
            "label": status.label,
            "date": status.on.isoformat() if status.on else None,
        },
        "holder_name": None if certificate.holder_erased_at else certificate.holder_name,
        "basis": {
            "every_requirement_met": basis.complete,
            "statement": basis.statement(certificate.credential_title),
            "recognised_prior_learning": list(basis.recognised),
            "met_through_prior_learning": list(basis.prior_learning),
            "decided_on": basis.decided_on.isoformat() if basis.decided_on else None,
        },
        "credential": {
            "code": certificate.credential_code,
            "title": certificate.credential_title,
            "version": certificate.credential_version_number,
        },
        "alignment_statement": certificate.alignment_statement,
        "aligned_to": [_alignment(item) for item in certificate.competencies],
        "issuing_organisation": certificate.issuing_organisation,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "replaced_by": (
            {"code": replacement.grouped_code, "url": replacement.verification_url}
            if replacement is not None and not replacement.hidden
            else None
        ),
        "verification_url": certificate.verification_url,
        "kind": certificate.kind,
        "course": _course_record(certificate),
    }


def _course_record(certificate: Certificate) -> dict | None:
    """A certificate of completion's public facts: the contact hours as approved, by domain,
    the delivery mode, the dates attended and the provider with its approved-provider
    numbers. None for a credential's certificate."""
    if not certificate.is_course:
        return None
    hours = certificate.contact_hours or {}
    return {
        "contact_hours": {
            "total": hours.get("total"),
            "delivery": hours.get("delivery"),
            "delivery_label": hours.get("delivery_label"),
            "face_to_face": hours.get("face_to_face"),
            "by_domain": [
                {"key": item["key"], "title": item.get("label", ""), "hours": item["hours"]}
                for item in hours.get("by_domain", [])
            ],
        }
        if hours
        else None,
        "attended_from": (
            certificate.attended_from.isoformat() if certificate.attended_from else None
        ),
        "attended_to": certificate.attended_to.isoformat() if certificate.attended_to else None,
        "provider": {
            "name": (certificate.provider or {}).get("name", ""),
            "approvals": [
                {"body": a.get("body", ""), "number": a.get("number", "")}
                for a in (certificate.provider or {}).get("approvals", [])
            ],
        },
    }


def public_letter(letter: EligibilityLetter) -> dict:
    """What the public may know about an eligibility letter: what it states (names, the exam,
    requirement lines with numbers) and whether it still stands. The allow-list for the
    letter's page; never the withdrawal reason or anything the person wrote."""
    return {
        "type": "eligibility_letter",
        "code": letter.verification_code,
        "grouped_code": letter.grouped_code,
        "holder_name": letter.holder_name,
        "exam_name": letter.exam_name,
        "board": letter.board,
        "credential_title": letter.credential_title,
        "version": letter.credential_version.number,
        "requirements": [
            {"label": r.get("label", ""), "detail": r.get("detail", "")}
            for r in letter.requirements
        ],
        "issued_on": letter.issued_at.date(),
        "stands": letter.withdrawn_at is None,
        "withdrawn_on": letter.withdrawn_at.date() if letter.withdrawn_at else None,
    }
