"""The packet as one tagged PDF (PDF/UA-1), with the certificate PDF's fonts, URL fetcher
and font configuration (certification.credentials.pdf): A4 portrait, its own stylesheet.
A draft says DRAFT on every page (a fixed element repeats on each page)."""

from __future__ import annotations

import functools
import hashlib

from django.template.loader import render_to_string

from certification.credentials import pdf as certificate_pdf
from certification.credentials.exceptions import CertificateRenderError

STYLESHEET = "packets/packet.css"
_css: dict = {}


def _stylesheet(state):
    """The packet stylesheet, parsed once per process (with that process's fonts)."""
    found = _css.get(state.pid)
    if found is None or found[0] is not state:
        from weasyprint import CSS

        path = certificate_pdf._static_path(STYLESHEET)
        if path is None:
            raise CertificateRenderError(f"Packet stylesheet missing: {STYLESHEET}.")
        css = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=f"{certificate_pdf.BASE_URL}static/{STYLESHEET}",
            url_fetcher=state.fetcher,
            font_config=state.font_config,
        )
        _css[state.pid] = found = (state, css)
    return found[1]


def packet_html(context: dict) -> str:
    """The page a packet's PDF is made from (see services.documents.packet_context)."""
    return render_to_string(
        "packets/pdf/packet.html", {**context, "language": certificate_pdf.LANGUAGE}
    )


@functools.cache
def style_digest() -> str:
    """A digest of the packet stylesheet as deployed: a changed stylesheet makes new PDFs."""
    path = certificate_pdf._static_path(STYLESHEET)
    data = path.read_bytes() if path is not None else b""
    return hashlib.sha256(data).hexdigest()[:16]


def render_html(html: str) -> bytes:
    """The tagged PDF of a packet page (from `packet_html`)."""
    from weasyprint import HTML

    state = certificate_pdf.process_state()
    try:
        return HTML(
            string=html, base_url=certificate_pdf.BASE_URL, url_fetcher=state.fetcher
        ).write_pdf(
            stylesheets=[_stylesheet(state)],
            font_config=state.font_config,
            pdf_variant=certificate_pdf.PDF_VARIANT,
            pdf_tags=True,
        )
    except Exception as error:
        raise CertificateRenderError(f"{type(error).__name__}: {error}") from error


def render_packet_pdf(context: dict) -> bytes:
    """The PDF of a packet page context, rendered now (the benchmark's unit of work)."""
    return render_html(packet_html(context))
