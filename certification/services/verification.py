"""What the public may know about a certificate, for the verify page, its JSON and the
roster check. One allow-list (`public_record`) for every public output, so a private field
can never leak through one of them. Unknown, malformed, hidden and not-yet-ready codes are
indistinguishable: `find_certificate` returns None for all of them."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from lms.site import absolute_url

from ..models import Certificate
from .certificates import normalise_code

__all__ = [
    "PublicStatus",
    "find_certificate",
    "find_certificates",
    "public_record",
    "public_status",
]

LABELS = {
    "valid": "Valid",
    "expired": "Expired",
    "revoked": "Revoked",
    "replaced": "Replaced by a newer certificate",
    "not_yet_valid": "Not yet valid",
    "suspended": "Suspended",
}


@dataclass(frozen=True)
class PublicStatus:
    state: str  # valid, expired, revoked, replaced, suspended or not_yet_valid
    on: date | None = None  # the date that goes with the state (expiry, revocation, ...)
    replacement: Certificate | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]


def public_status(certificate: Certificate, *, today: date | None = None) -> PublicStatus:
    today = today or timezone.localdate()
    if certificate.status == Certificate.Status.REVOKED:
        return PublicStatus("revoked", timezone.localdate(certificate.revoked_at))
    if certificate.status == Certificate.Status.REPLACED:
        on = timezone.localdate(certificate.replaced_at) if certificate.replaced_at else None
        return PublicStatus("replaced", on, certificate.replaced_by)
    if certificate.suspended_at is not None:
        return PublicStatus("suspended", timezone.localdate(certificate.suspended_at))
    if certificate.issued_on > today:
        return PublicStatus("not_yet_valid", certificate.issued_on)
    if certificate.expires_on and certificate.expires_on < today:
        return PublicStatus("expired", certificate.expires_on)
    return PublicStatus("valid", certificate.expires_on)


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
    "replaced_by__verification_code",
    "replaced_by__hidden",
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
    revocation, nothing about the holder's lived experience or health."""
    status = public_status(certificate, today=today)
    replacement = status.replacement
    return {
        "code": certificate.grouped_code,
        "status": {
            "state": status.state,
            "label": status.label,
            "date": status.on.isoformat() if status.on else None,
        },
        "holder_name": certificate.holder_name,
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
    }
