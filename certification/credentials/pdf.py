"""Certificate PDFs with WeasyPrint.

- Fonts ship with the project (static/certification/fonts) and are loaded once per process:
  one `FontConfiguration`, one parsed stylesheet and one image cache per worker process (a
  new FontConfiguration per render grows memory by about 0.2 MB each time).
- The URL fetcher serves only the project's static files (from disk) and media files (from
  the default storage: the filesystem or a shared bucket). Every other URL (http, file,
  data, anything outside the two roots) is refused, and a refused or missing resource stops
  the render: a certificate is never stored with a font or signature missing.
- The QR code is one SVG path (segno), not hundreds of rectangles.
- The document is tagged PDF/UA-1 with its language and title.
"""

import atexit
import mimetypes
import os
import posixpath
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lms.site import absolute_url

from .basis import Basis
from .exceptions import CertificateRenderError

# Documents are rendered against this base, which is never fetched over the network: the
# fetcher maps /static/ under it to files on disk and /media/ to stored files.
BASE_URL = "https://peerpath.invalid/"
FONT_FILES = (
    "certification/fonts/EBGaramond12-Regular.ttf",
    "certification/fonts/EBGaramond12-Italic.ttf",
    "certification/fonts/Lato-Regular.ttf",
    "certification/fonts/Lato-Bold.ttf",
)
STYLESHEET = "certification/certificate.css"
PDF_VARIANT = "pdf/ua-1"
QR_MASK = 2
LANGUAGE = "en-GB"


def _static_path(relative: str) -> Path | None:
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        if candidate.is_file():
            return candidate
    return None


def read_local_url(url: str) -> tuple[str, bytes]:
    """The name and content of the file behind a /static/ or /media/ URL of the document:
    static files from disk, media files through the default storage (the local filesystem
    or the shared bucket, never a path of their own). Anything else is refused."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        raise CertificateRenderError(f"Refused to fetch {url[:200]!r}: not a project file.")
    path = posixpath.normpath(unquote(parts.path))
    for prefix, kind in ((settings.STATIC_URL, "static"), (settings.MEDIA_URL, "media")):
        prefix = "/" + prefix.strip("/") + "/"
        if not path.startswith(prefix):
            continue
        relative = path[len(prefix) :]
        if not relative or relative.startswith(("/", "..")) or "/../" in f"/{relative}/":
            break
        if kind == "static":
            found = _static_path(relative)
            if found is not None:
                return found.name, found.read_bytes()
        else:
            data = _read_stored(relative)
            if data is not None:
                return posixpath.basename(relative), data
        raise CertificateRenderError(f"Missing {kind} file {relative[:200]!r}.")
    raise CertificateRenderError(f"Refused to fetch {url[:200]!r}: not a project file.")


def _read_stored(name: str) -> bytes | None:
    """A stored file's bytes, or None when it is not there (or the name is not allowed)."""
    try:
        if not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (OSError, SuspiciousFileOperation):
        return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFileFetcher(URLFetcher):
        """Serves static files from disk and media files from storage; refuses every other
        URL, fatally."""

        def __init__(self):
            super().__init__(fail_on_errors=True)

        def fetch(self, url, headers=None):
            name, data = read_local_url(url)
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, headers={"Content-Type": content_type})

    return ProjectFileFetcher


class _ProcessState:
    """Per process, created on first use (after a worker forks, never before)."""

    def __init__(self):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.pid = os.getpid()
        missing = [f for f in FONT_FILES if _static_path(f) is None]
        if missing:
            raise CertificateRenderError(f"Certificate fonts missing: {', '.join(missing)}.")
        stylesheet = _static_path(STYLESHEET)
        if stylesheet is None:
            raise CertificateRenderError(f"Certificate stylesheet missing: {STYLESHEET}.")
        self.fetcher = _fetcher_class()()
        self.font_config = FontConfiguration()
        self.css = CSS(
            string=stylesheet.read_text(encoding="utf-8"),
            base_url=f"{BASE_URL}{settings.STATIC_URL.strip('/')}/{STYLESHEET}",
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )
        self.image_cache: dict = {}
        self.renders = 0
        self.stylesheets = {STYLESHEET: self.css}

    def stylesheet(self, relative: str):
        """A project stylesheet, parsed once per process (the certificate's is parsed above)."""
        from weasyprint import CSS

        if relative not in self.stylesheets:
            path = _static_path(relative)
            if path is None:
                raise CertificateRenderError(f"Stylesheet missing: {relative}.")
            self.stylesheets[relative] = CSS(
                string=path.read_text(encoding="utf-8"),
                base_url=f"{BASE_URL}{settings.STATIC_URL.strip('/')}/{relative}",
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
        return self.stylesheets[relative]


_state: _ProcessState | None = None


def process_state() -> _ProcessState:
    global _state
    if _state is None or _state.pid != os.getpid():
        if _state is None:
            # Drop the FontConfiguration before interpreter shutdown tears down the modules
            # its finaliser needs (else Python prints an ignored TypeError at exit).
            atexit.register(reset_process_state)
        _state = _ProcessState()
    return _state


def reset_process_state() -> None:
    """Forget the cached fonts, stylesheet and images (after the files change)."""
    global _state
    _state = None


def qr_svg(url: str, colour: str = "#1b1b1b") -> str:
    """The QR code of `url` as inline SVG: one path, no size (the CSS sizes it)."""
    # A fixed mask: choosing the best of eight costs segno more than the rest of the code
    # (about a tenth of a certificate's render); any mask gives a valid, readable code.
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    svg = code.svg_inline(dark=colour, omitsize=True, border=2)
    return mark_safe(  # noqa: S308 - segno's output: our URL, encoded as path data only
        svg.replace("<svg ", '<svg role="img" aria-label="QR code of the verification address" ', 1)
    )


def _name_size(name: str) -> str:
    """A size class for the holder's name, so that a long name still fits on one line or two."""
    length = len(name)
    if length <= 26:
        return "xl"
    if length <= 38:
        return "l"
    if length <= 55:
        return "m"
    return "s"


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _colour(value, default: str) -> str:
    # Colours go into a stylesheet: only "#rrggbb" gets through, whatever the snapshot holds.
    return value if isinstance(value, str) and COLOUR.match(value) else default


def _media_url(name: str) -> str:
    return f"/{settings.MEDIA_URL.strip('/')}/{name}" if name else ""


def certificate_context(certificate) -> dict:
    """Everything the certificate shows, from its snapshot only."""
    design = certificate.design or {}
    return _context(
        holder_name=certificate.holder_name,
        credential_title=certificate.credential_title,
        credential_version=certificate.credential_version_number,
        alignment_statement=certificate.alignment_statement,
        issuing_organisation=certificate.issuing_organisation,
        competencies=certificate.competencies,
        hours=certificate.hours,
        courses=certificate.courses,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        template_version=certificate.template_version,
        design=design,
        grouped_code=certificate.grouped_code,
        verification_url=certificate.verification_url,
        uuid=str(certificate.uuid),
        basis=certificate.basis_of_issue,
        kind=certificate.kind,
        contact_hours=certificate.contact_hours,
        attended_from=certificate.attended_from,
        attended_to=certificate.attended_to,
        provider=certificate.provider,
    )


def sample_context(template) -> dict:
    """The design filled with sample data, for the admin preview."""
    return _context(
        holder_name="Alex Sample-Holder",
        credential_title="Peer Worker Foundations Certificate",
        credential_version=1,
        alignment_statement=(
            "Content mapped to the SAMHSA Core Competencies for Peer Workers (2015), the "
            "N.A.P.S. National Practice Guidelines and the IC&RC Peer Recovery domains. "
            "Sample text."
        ),
        issuing_organisation=template.issuing_organisation,
        competencies=[
            {"code": "samhsa-pw-2015/III.3", "text": "Recognizes when to share experiences"},
        ],
        hours={"practicum": 80, "direct": 52, "supervision": 4},
        courses=["Boundaries", "Ethics", "Trauma-informed practice", "Self-care"],
        issued_on=date.today(),
        expires_on=date(date.today().year + 2, date.today().month, 1),
        template_version=template.version,
        design=template.design_snapshot() if template.pk else template.design_snapshot([]),
        grouped_code="SAMPL-E0000-00000-00000-00000",
        verification_url=absolute_url("/verify/SAMPLE/"),
        uuid="00000000-0000-0000-0000-000000000000",
        sample=True,
    )


def _context(**values) -> dict:
    design = values["design"]
    values["design"] = {
        **design,
        "logo_url": _media_url(design.get("logo", "")),
        "signatories": [
            {**s, "signature_url": _media_url(s.get("signature", ""))}
            for s in design.get("signatories", [])
        ],
    }
    values["qr"] = qr_svg(
        values["verification_url"], _colour(design.get("primary_colour"), "#1b1b1b")
    )
    values["name_size"] = _name_size(values["holder_name"])
    values["primary_colour"] = _colour(design.get("primary_colour"), "#1f4e5f")
    values["accent_colour"] = _colour(design.get("accent_colour"), "#b08d57")
    values["language"] = LANGUAGE
    values["document_title"] = f"{values['credential_title']}: {values['holder_name']}"
    values.setdefault("sample", False)
    values.setdefault("basis", Basis(complete=True))
    values.setdefault("kind", "credential")
    values.setdefault("contact_hours", {})
    values.setdefault("provider", {})
    return values


CERTIFICATE_TEMPLATE = "certification/pdf/certificate.html"


def render_html(context: dict, template: str = CERTIFICATE_TEMPLATE) -> str:
    return render_to_string(template, context)


def for_browser(context: dict) -> dict:
    """The context with the design's logo and signatures at addresses a browser can fetch
    (the document's /media/ addresses only mean something to the PDF's fetcher): the storage's
    own, which for a bucket are signed and expire (PEERPATH_S3_URL_SECONDS)."""
    design = context["design"]

    def url(name: str) -> str:
        return default_storage.url(name) if name else ""

    return {
        **context,
        "design": {
            **design,
            "logo_url": url(design.get("logo", "")),
            "signatories": [
                {**s, "signature_url": url(s.get("signature", ""))}
                for s in design.get("signatories", [])
            ],
        },
    }


def render_html_response(request, context: dict):
    from django.template.response import TemplateResponse

    return TemplateResponse(request, "certification/certificate_preview.html", for_browser(context))


def render_pdf(
    context: dict, *, template: str = CERTIFICATE_TEMPLATE, stylesheet: str = STYLESHEET
) -> bytes:
    """Tagged PDF/UA-1 (a certificate: A4 landscape; another document brings its own template
    and stylesheet). Raises CertificateRenderError on any failure."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    state = process_state()
    if len(state.image_cache) > 64:
        state.image_cache.clear()
    try:
        html = render_html(context, template)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=state.fetcher)
        data = document.write_pdf(
            stylesheets=[state.stylesheet(stylesheet)],
            font_config=state.font_config,
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            cache=state.image_cache,
        )
    except CertificateRenderError:
        raise
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error
        raise CertificateRenderError(str(cause)) from error
    except Exception as error:  # a broken template or a WeasyPrint failure
        raise CertificateRenderError(f"{type(error).__name__}: {error}") from error
    state.renders += 1
    return data


def render_certificate_pdf(certificate) -> bytes:
    return render_pdf(certificate_context(certificate))


LETTER_TEMPLATE = "certification/pdf/eligibility_letter.html"
LETTER_STYLESHEET = "certification/eligibility-letter.css"


def render_letter_pdf(letter, *, issuing_organisation: str) -> bytes:
    """An eligibility letter, A4 portrait, tagged like a certificate, from the letter's own
    snapshot (never lived-experience text), with the QR code of its verification page."""
    context = {
        "letter": letter,
        "issuing_organisation": issuing_organisation,
        "qr": qr_svg(letter.verification_url),
        "language": LANGUAGE,
        "document_title": f"Eligibility letter: {letter.holder_name}",
    }
    return render_pdf(context, template=LETTER_TEMPLATE, stylesheet=LETTER_STYLESHEET)


WARM_UP_SIGNATURE = "certification/warm-up-signature.png"
WARM_UP_TEXT = "Peerpath 0123456789 \u2014 \u2018\u2019\u201c\u201d"


def warm_up() -> None:
    """Make this process ready to render: load the fonts, parse the stylesheet and run every
    code path of a certificate once (layout, text shaping, SVG, font subsetting, tagged PDF),
    on a small certificate made of sample text. Called in each Celery worker process at
    start, so that the first real certificate renders as fast as the next ones. Touches no
    database and no file outside the static roots; a failure is left to the first render."""
    context = _context(
        holder_name="Warm Up",
        credential_title=f"Warm-up {WARM_UP_TEXT}",
        credential_version=1,
        alignment_statement=WARM_UP_TEXT,
        issuing_organisation=WARM_UP_TEXT,
        competencies=[{"code": "warm-up/1", "text": WARM_UP_TEXT}],
        hours={"practicum": 1, "direct": 1, "supervision": 1},
        courses=[WARM_UP_TEXT],
        issued_on=date(2000, 1, 1),
        expires_on=date(2001, 1, 1),
        template_version=1,
        design={},
        grouped_code="WARMU-P0000-00000-00000-00000",
        verification_url=absolute_url("/verify/WARMUP/"),
        uuid="00000000-0000-0000-0000-000000000000",
        sample=True,
    )
    # One signature image (a static file: the warm-up reads no media), so that image
    # decoding and PDF image streams are warm too; every real certificate has signatures.
    signature = f"/{settings.STATIC_URL.strip('/')}/{WARM_UP_SIGNATURE}"
    context["design"]["signatories"] = [
        {"name": "Warm Up", "role": WARM_UP_TEXT, "signature_url": signature}
    ]
    render_pdf(context)
    process_state().renders -= 1  # the warm-up is not a certificate
