"""The packet as one tagged PDF (PDF/UA-1), with the certificate PDF's fonts, URL fetcher
and font configuration (certification.credentials.pdf): A4 portrait, its own stylesheet.
A draft says DRAFT on every page (a fixed element repeats on each page)."""

from __future__ import annotations

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


def render_packet_pdf(context: dict) -> bytes:
    """The PDF of a packet page context (see views.packet_context)."""
    from weasyprint import HTML

    state = certificate_pdf.process_state()
    html = render_to_string(
        "packets/pdf/packet.html", {**context, "language": certificate_pdf.LANGUAGE}
    )
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
