"""The packets app's part of a person's data (see lms/privacy/registry.py): the board
application packets they made (what each holds is their own record, already exported by the
apps it comes from, so the export lists the packets and what they were made of).

Erasure: the packets, their stored PDFs and their supervisor attestations are deleted; a
board that checks a code afterwards reads "not found", as for any unknown code."""

from django.db import transaction
from django.utils.translation import ngettext

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import Packet, SupervisorAttestation


def export(user) -> registry.Export:
    packets = list(Packet.objects.filter(trainee=user).order_by("created_at"))
    return registry.Export(
        sections={
            "board_application_packets": [
                {
                    "code": p.verification_code,
                    "draft": p.draft,
                    "sections": list(p.sections or []),
                    "made_at": iso(p.created_at),
                }
                for p in packets
            ]
        },
        subjects={"packets.packet": [p.pk for p in packets]},
    )


@transaction.atomic
def erase(person) -> dict[str, int]:
    from .services import documents  # services import other apps': not at start-up

    packets = Packet.objects.filter(trainee=person)
    for name in packets.exclude(pdf_name="").values_list("pdf_name", flat=True):
        documents.delete_stored(name)  # the stored PDFs go with the packets
    attestations, _ = SupervisorAttestation.objects.filter(packet__in=packets).delete()
    removed, _ = packets.delete()
    return {"packets_deleted": removed, "packet_attestations_deleted": attestations}


def preview(person) -> list[str]:
    count = Packet.objects.filter(trainee=person).count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)s board application packet is deleted; its code no longer verifies.",
            "%(count)s board application packets are deleted; their codes no longer verify.",
            count,
        )
        % {"count": count}
    ]


registry.register("packets", export=export, erase=erase, preview=preview)
