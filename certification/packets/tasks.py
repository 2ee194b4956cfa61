"""Background work for packets: rendering a new packet's PDF before it is first asked for.
The task takes the packet's id only."""

from celery import shared_task

from .services import documents


@shared_task(name="certification.packets.tasks.render_packet_pdf_task")
def render_packet_pdf_task(packet_id: int) -> bool:
    """Render and store one packet's PDF; a re-run serves what is stored."""
    return documents.prerender(packet_id)
