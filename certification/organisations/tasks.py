"""Background work for organisations: watch-list emails and expiry reminders, each sent once.
Tasks take ids and call a service; each keeps its name from before the split
(`certification.tasks.*`), so queued tasks, outbox rows and the beat schedule still find it."""

from celery import shared_task

from . import services


@shared_task(
    name="certification.tasks.send_certificate_notice_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_certificate_notice_task(
    certificate_id: int, kind: str, organisation_id: int | None = None
) -> bool:
    """Send one notice about a certificate (to the holder, or to a watching organisation),
    once: a second run finds it recorded and sends nothing."""
    return services.send_certificate_notice(
        certificate_id=certificate_id, kind=kind, organisation_id=organisation_id
    )


@shared_task(name="certification.tasks.notify_watchers_task")
def notify_watchers_task(certificate_id: int, change: str) -> int:
    """A watched certificate was revoked or replaced: move shares to a replacement, then
    queue one notice per watching organisation. Returns how many were queued."""
    return services.notify_watchers(certificate_id=certificate_id, change=change)


@shared_task(name="certification.tasks.send_certificate_notices_task")
def send_certificate_notices_task() -> int:
    """Daily: expiry reminders at 60 and 14 days (holders and watching organisations) and
    "expired" notices to watching organisations; each queued as its own task."""
    due = services.due_certificate_notices()
    for certificate_id, organisation_id, kind in due:
        send_certificate_notice_task.delay(certificate_id, kind, organisation_id)
    return len(due)
