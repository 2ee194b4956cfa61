"""The organisations app's part of a person's data (see lms/privacy/registry.py): the
organisations the person shared their certificates with.

Erasure: active shares are stopped (this app is installed after credentials, so it erases
first, before the certificates are reduced to the minimal record)."""

from django.utils import timezone
from django.utils.translation import ngettext

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import CertificateShare


def export(user) -> registry.Export:
    shares = list(
        CertificateShare.objects.filter(certificate__trainee=user)
        .select_related("organisation", "certificate")
        .order_by("shared_at")
    )
    return registry.Export(
        consent={
            "certificate_shares": [
                {
                    "certificate": x.certificate.grouped_code,
                    "organisation": x.organisation.name,
                    "shared_at": iso(x.shared_at),
                    "stopped_at": iso(x.stopped_at),
                }
                for x in shares
            ],
        },
        subjects={"certification.certificateshare": [x.pk for x in shares]},
    )


def erase(person) -> dict[str, int]:
    stopped = (
        CertificateShare.objects.active()
        .filter(certificate__trainee=person)
        .update(stopped_at=timezone.now())
    )
    return {"shares_stopped": stopped}


def preview(person) -> list[str]:
    """What erasure does here: the organisations still shown the certificates stop seeing
    them."""
    active = CertificateShare.objects.active().filter(certificate__trainee=person).count()
    if not active:
        return []
    return [
        ngettext(
            "%(count)s organisation stops seeing their certificates.",
            "%(count)s organisations stop seeing their certificates.",
            active,
        )
        % {"count": active}
    ]


registry.register("organisations", export=export, erase=erase, preview=preview)
