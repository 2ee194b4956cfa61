"""Practicum notifications by email, without a flood: the first unsent notification goes out
promptly (through the outbox, sent on commit, so a broker that is away only delays it);
anything that follows within a week waits for the weekly digest. Messages carry counts and
states only, never descriptions or notes."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from lms.accounts.models import User
from lms.audit.services.outbox import enqueue_task
from lms.site import absolute_url

from ..models import Notification

__all__ = ["DIGEST_INTERVAL", "email_notifications", "notify", "send_digests"]

DIGEST_INTERVAL = timedelta(days=7)


def notify(*, recipient, message: str, url: str) -> Notification:
    """Record a notification and, in the same transaction, the outbox message that asks for it
    to be emailed once the transaction commits."""
    from ..tasks import email_notifications_task

    note = Notification.objects.create(recipient=recipient, message=message, url=url)
    enqueue_task(email_notifications_task, recipient.pk)
    return note


def _send(recipient, notes, *, digest: bool) -> None:
    base = absolute_url()
    context = {
        "recipient": recipient,
        "notes": [{"message": n.message, "url": base + n.url} for n in notes],
        "digest": digest,
    }
    subject = render_to_string("certification/email/notifications_subject.txt", context).strip()
    body = render_to_string("certification/email/notifications.txt", context)
    send_mail(subject, body, None, [recipient.email])


def email_notifications(*, recipient_id: int, digest: bool = False) -> int:
    """Email a recipient their unsent notifications in one message. Unless this is the
    digest, nothing is sent if they already had one within the digest interval. Returns how
    many notifications went out; harmless to run twice."""
    with transaction.atomic():
        recipient = User.objects.select_for_update().filter(pk=recipient_id).first()
        if recipient is None or not recipient.is_active:
            return 0
        if not digest:
            last = recipient.notifications.aggregate(last=Max("emailed_at"))["last"]
            if last and timezone.now() - last < DIGEST_INTERVAL:
                return 0
        notes = list(recipient.notifications.unsent().order_by("created_at", "pk"))
        if not notes:
            return 0
        _send(recipient, notes, digest=digest)
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())
    return len(notes)


def send_digests() -> int:
    """The weekly digest: everyone with unsent notifications gets one email. Returns how many
    people were emailed."""
    recipients = Notification.objects.unsent().values_list("recipient_id", flat=True).distinct()
    return sum(
        1
        for recipient_id in list(recipients)
        if email_notifications(recipient_id=recipient_id, digest=True)
    )
