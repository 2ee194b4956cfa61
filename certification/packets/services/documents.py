"""A packet's pages and its PDF, kept in storage.

A packet's content is frozen when it is made, but what its pages say about it is not: a
record in it may later be corrected or revoked, and a supervisor may confirm their
attestation. So the PDF is a function of the page it is rendered from, and it is stored
under a name that carries a digest of that page (and of the stylesheet). A download serves
the stored PDF only while its page is still the page of now; after any change the next
download renders a new one and the old file is deleted. The worker renders the first one as
soon as the packet is made, so the trainee rarely waits for it (about 2 s a packet)."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .. import pdf
from ..models import Packet
from . import packets as packet_services
from .content import with_standing

logger = logging.getLogger(__name__)


def packet_context(packet: Packet) -> dict:
    """What the packet's pages and PDF show: its frozen content, whether each record still
    stands, and each supervisor attestation's state."""
    found = packet_services.standing(packet)
    attestations = [
        packet_services.attestation_record(a, packet.content)
        for a in packet.attestations.select_related("supervisor")
    ]
    return {
        "packet": packet,
        "content": with_standing(packet.content, found),
        "all_stand": all(state.stands for state in found.values()),
        "attestations": attestations,
        "verification_url": packet.verification_url,
        "grouped_code": packet.grouped_code,
    }


def stored_name(packet: Packet, html: str) -> str:
    digest = hashlib.sha256(f"{pdf.style_digest()}\n{html}".encode()).hexdigest()[:32]
    return f"packets/{packet.pk}/{digest}.pdf"


def packet_pdf(packet: Packet) -> bytes:
    """The packet's PDF as of now: the stored one when its page has not changed since it
    was rendered, else rendered now and stored in its place."""
    html = pdf.packet_html(packet_context(packet))
    name = stored_name(packet, html)
    if packet.pdf_name == name:
        try:
            with default_storage.open(name, "rb") as handle:
                return handle.read()
        except OSError:  # gone from storage: render it again
            logger.warning("Stored packet PDF missing; rendering again", extra={"pk": packet.pk})
    data = pdf.render_html(html)
    _store(packet, name, data)
    return data


def _store(packet: Packet, name: str, data: bytes) -> None:
    """Keep `data` under `name` and forget the packet's previous PDF. Two nodes rendering
    the same page write the same bytes; the name, not the writer, decides what is served."""
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    previous = packet.pdf_name
    Packet.objects.filter(pk=packet.pk).update(pdf_name=name)
    packet.pdf_name = name
    if previous and previous != name:
        delete_stored(previous)


def delete_stored(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


def prerender(packet_id: int) -> bool:
    """Render and store a packet's PDF ahead of its first download (the worker's task).
    Returns False when the packet is gone (erased before the task ran)."""
    packet = Packet.objects.filter(pk=packet_id).first()
    if packet is None:
        return False
    packet_pdf(packet)
    return True
