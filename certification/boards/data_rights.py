"""The boards app's part of a person's data (see lms/privacy/registry.py): the board
credentials they aim at and the checklist items they ticked. Erasure removes them (nothing
here is part of a signed record)."""

from django.utils.translation import ngettext

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import BoardTarget


def export(user) -> registry.Export:
    targets = list(
        BoardTarget.objects.filter(trainee=user)
        .select_related("credential__board", "version")
        .order_by("chosen_at")
    )
    return registry.Export(
        sections={
            "board_targets": [
                {
                    "board": t.credential.board.name,
                    "credential": t.credential.name,
                    "requirements_version": t.version.number,
                    "chosen_at": iso(t.chosen_at),
                    "ticked": list(t.ticked or []),
                }
                for t in targets
            ]
        },
        subjects={"boards.boardtarget": [t.pk for t in targets]},
    )


def erase(person) -> dict[str, int]:
    removed, _ = BoardTarget.objects.filter(trainee=person).delete()
    return {"board_targets_removed": removed}


def preview(person) -> list[str]:
    count = BoardTarget.objects.filter(trainee=person).count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)s board they aim for is forgotten, with its checklist.",
            "%(count)s boards they aim for are forgotten, with their checklists.",
            count,
        )
        % {"count": count}
    ]


registry.register("boards", export=export, erase=erase, preview=preview)
