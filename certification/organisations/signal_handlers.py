"""Receivers for the credentials app's certificate signals: a watched certificate revoked or
replaced is told to the organisations watching it, and a renewal carries its shares to the
renewed certificate."""

from certification.credentials.signals import certificate_changed, certificate_renewed
from lms.audit.services.outbox import enqueue_task

from . import services
from .models import CertificateShare
from .tasks import notify_watchers_task


def on_certificate_changed(sender, certificate, change, **kwargs):
    """A revoked or replaced certificate that organisations watch: tell them, through the
    outbox (written with the change, sent on commit; the sweeper sends it if Redis is away)."""
    if change in ("revoked", "replaced") and (
        CertificateShare.objects.filter(certificate=certificate).exists()
    ):
        enqueue_task(notify_watchers_task, certificate.pk, change)


def on_certificate_renewed(sender, certificate, actor, **kwargs):
    """Inside the renewal's transaction: the old certificate's live shares move to the new one."""
    services.carry_shares_forward(certificate=certificate, actor=actor)


def connect():
    certificate_changed.connect(on_certificate_changed, dispatch_uid="certification.watchers")
    certificate_renewed.connect(on_certificate_renewed, dispatch_uid="certification.shares.renewal")
