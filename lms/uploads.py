"""Checking uploaded files by what they contain, not only by their names.

`check_upload` refuses, with a message that names the limit: an empty file, a file over the
size limit, a name whose extension is not allowed, and a file whose first bytes do not match
its extension (a program renamed to .pdf, a workbook renamed to .csv). Text types (csv, txt)
must be text: no NUL bytes, and UTF-8, UTF-16 with a byte-order mark, or a Windows code page.
Used by the Wagtail document form (WAGTAILDOCS_DOCUMENT_FORM_BASE) and the roster upload;
Wagtail checks images itself (format against extension, size, pixels) from the settings."""

from __future__ import annotations

import struct
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# The first bytes each type starts with. Office Open XML and OpenDocument files are zip
# archives, so they share the zip signature.
ZIP = (b"PK\x03\x04",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "odt": ZIP,
    "rtf": (b"{\\rtf",),
}
TEXT_TYPES = {"csv", "txt", "tsv"}
HEAD_BYTES = 64 * 1024  # how much of a text file is checked for being text


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def size_text(size: int) -> str:
    """A size for people: "2 MB", "1.5 MB", "300 KB"."""
    if size >= 2**20:
        return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark: spreadsheets' "Unicode text"
    if b"\x00" in head:
        return False
    for signature in (*ZIP, b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0"):
        if head.startswith(signature):
            return False
    return True


def content_matches(extension: str, head: bytes) -> bool:
    """Whether the first bytes of a file are what its extension says."""
    if extension in TEXT_TYPES:
        return _looks_like_text(head)
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    signatures = SIGNATURES.get(extension)
    return bool(signatures) and head.startswith(signatures)


def check_upload(upload, *, extensions: Iterable[str], max_bytes: int, what: str) -> str:
    """Refuse an empty, oversized, wrongly named or disguised file with a clear message.
    `what` names the kind of file for the messages ("a roster"). Returns the extension.
    Leaves the file at its start."""
    allowed = [e.lower() for e in extensions]
    listed = ", ".join(f".{e}" for e in allowed)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(
            _("The file is empty. Choose %(what)s file that has something in it.") % {"what": what},
            code="empty",
        )
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": size_text(size), "limit": size_text(max_bytes)},
            code="too_large",
        )
    extension = extension_of(upload.name or "")
    if extension not in allowed:
        raise ValidationError(
            _("Upload %(what)s file whose name ends in one of: %(listed)s.")
            % {"what": what, "listed": listed},
            code="extension",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not content_matches(extension, head) and extension in TEXT_TYPES:
        raise ValidationError(
            _(
                "This file is not a %(kind)s text file, although its name ends in "
                ".%(extension)s. Save it again as %(kind)s from your spreadsheet or editor."
            )
            % {"extension": extension, "kind": extension.upper()},
            code="content",
        )
    if not content_matches(extension, head):
        raise ValidationError(
            _(
                "This file's name ends in .%(extension)s but its content is not a "
                "%(kind)s file. Choose the original file, or save it again in that format."
            )
            % {"extension": extension, "kind": extension.upper()},
            code="content",
        )
    return extension


class PeerpathDocumentForm(BaseDocumentForm):
    """Wagtail's document form, with the file checked by content against its extension."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            check_upload(
                upload,
                extensions=settings.WAGTAILDOCS_EXTENSIONS,
                max_bytes=settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
                what=_("a document"),
            )
        return upload


# What Pillow raises on a damaged image: a truncated or malformed chunk can surface as any of
# these (a broken PNG chunk name raised AttributeError inside Wagtail's pixel check).
UNREADABLE_IMAGE = (OSError, SyntaxError, ValueError, EOFError, AttributeError, struct.error)


class PeerpathImageField(WagtailImageField):
    """Wagtail's image field, which first makes sure Pillow can read the whole file: a
    damaged image is refused with a message instead of failing inside Wagtail's checks."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None and extension_of(upload.name) in settings.WAGTAILIMAGES_EXTENSIONS:
            self._check_readable(upload)
        return super().to_python(data)

    def _check_readable(self, upload):
        from PIL import Image

        upload.seek(0)
        try:
            with Image.open(upload) as image:
                image.verify()
        except (*UNREADABLE_IMAGE, Image.DecompressionBombError) as error:
            raise ValidationError(
                _(
                    "This image file is damaged or is not really a .%(extension)s image. Open "
                    "it in an image editor and save it again as PNG or JPEG."
                )
                % {"extension": extension_of(upload.name)},
                code="invalid_image",
            ) from error
        finally:
            upload.seek(0)


class PeerpathImageForm(BaseImageForm):
    """Wagtail's image form with `PeerpathImageField` for the file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.fields.get("file")
        if current is not None and not isinstance(current, PeerpathImageField):
            # Made per form, like Wagtail's own, so it reads the size and pixel limits now.
            self.fields["file"] = PeerpathImageField(
                label=current.label, required=current.required, widget=current.widget
            )
