"""Checking an uploaded PDF against the certificates we issued, without ever storing it.

The upload is hashed as it streams in (`PdfDigestUploadHandler`), so no byte of it reaches
memory beyond one chunk, a temporary file or the media storage; what the view gets is its
SHA-256, its size and its first bytes. A certificate matches only if the file is byte for byte
the PDF we stored at issue (`Certificate.pdf_sha256`): an edited or re-saved PDF does not."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from certification.credentials.models import Certificate

from .exceptions import VerificationError

FIELD = "pdf"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class UploadDigest:
    """What is kept of an upload: never its contents."""

    name: str
    size: int
    sha256: str
    head: bytes

    @property
    def is_pdf(self) -> bool:
        return self.head.startswith(b"%PDF-")


class PdfDigestUploadHandler(FileUploadHandler):
    """Hash the `pdf` field as it arrives and discard the bytes; give up (without reading the
    rest) once the file passes `max_bytes`. Other file fields are ignored."""

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False
        self._hash = None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self._hash = hashlib.sha256() if field_name == FIELD else None
        self._size = 0
        self._head = b""

    def receive_data_chunk(self, raw_data, start):
        if self._hash is None:
            return None
        self._size += len(raw_data)
        if self._size > self.max_bytes:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        if len(self._head) < 8:
            self._head = (self._head + raw_data)[:8]
        self._hash.update(raw_data)
        return None  # consumed: no later handler sees (or stores) the bytes

    def file_complete(self, file_size):
        if self._hash is None:
            return None
        return UploadDigest(
            name=self.file_name or "",
            size=self._size,
            sha256=self._hash.hexdigest(),
            head=self._head,
        )


def checked_upload(request, handler: PdfDigestUploadHandler) -> UploadDigest:
    """The digest of the uploaded PDF, or VerificationError saying what is wrong with it."""
    limit_mb = handler.max_bytes / 2**20
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Refuse an obviously oversized body before reading it (multipart framing is small).
    if declared > handler.max_bytes + 64 * 1024:
        raise VerificationError(_too_large(limit_mb), status=413)
    files = request.FILES
    if handler.too_large:
        raise VerificationError(_too_large(limit_mb), status=413)
    upload = files.get(FIELD)
    if not isinstance(upload, UploadDigest) or upload.size == 0:
        raise VerificationError(_("Choose the certificate's PDF file to check."))
    if not upload.is_pdf:
        raise VerificationError(
            _("This file is not a PDF. Choose the PDF file of the certificate, as it was sent.")
        )
    return upload


def _too_large(limit_mb: float) -> str:
    return _(
        "This file is larger than %(limit)s MB, so it cannot be a Peerpath certificate. "
        "Check the code printed on the certificate instead."
    ) % {"limit": f"{limit_mb:g}"}


def find_by_pdf_sha256(digest: str) -> Certificate | None:
    """The findable certificate whose stored PDF has this SHA-256, or None (no such PDF, or
    its certificate is hidden by its holder or still being prepared: all look the same).
    One query, on the `pdf_sha256` index."""
    digest = (digest or "").strip().lower()
    if not SHA256.match(digest):
        return None
    return (
        Certificate.objects.select_related("replaced_by")
        .exclude(status=Certificate.Status.PENDING)
        .filter(hidden=False, pdf_sha256=digest)
        .first()
    )
