"""The training-hours ledger's part of a person's data (see lms/privacy/registry.py): the
outside training they recorded, with its certificates.

Erasure: every outside training record goes, and its certificate file after commit (a
certificate issued on those hours keeps, in its basis of issue, only sources, keys and
hours). A record keeps an account in use for retention."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import OutsideTraining


def export(user) -> registry.Export:
    records = list(OutsideTraining.objects.filter(trainee=user).order_by("completed_on", "pk"))
    return registry.Export(
        sections={
            "outside_training": [
                {
                    "title": r.title,
                    "provider": r.provider,
                    "completed_on": iso(r.completed_on),
                    "hours": str(r.hours),
                    "hours_by_domain": dict(r.hours_by_domain),
                    "delivery": r.get_delivery_display(),
                    "hours_taught_live": str(r.live_hours),
                    "topics": list(r.topics),
                    "certificate_document": r.certificate_name or None,
                    "status": r.get_status_display(),
                    "reason_returned": r.return_reason or None,
                    "sent_at": iso(r.submitted_at),
                }
                for r in records
            ]
        },
        subjects={"hours.outsidetraining": [r.pk for r in records]},
    )


def erase(person) -> dict[str, int]:
    records = list(OutsideTraining.objects.select_for_update().filter(trainee=person))
    files = [r.certificate.name for r in records if r.certificate]
    deleted = OutsideTraining.objects.filter(pk__in=[r.pk for r in records]).delete()[0]

    def delete_files():
        for name in files:
            if default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(delete_files)
    return {"outside_training_deleted": deleted, "outside_training_certificates": len(files)}


def preview(person) -> list[str]:
    count = OutsideTraining.objects.filter(trainee=person).count()
    if not count:
        return []
    return [
        _(
            "%(n)s outside training records and their certificates are deleted; hours they "
            "gave stop counting."
        )
        % {"n": count}
    ]


registry.register(
    "hours", export=export, erase=erase, preview=preview, keeps_account=("outside_trainings",)
)
