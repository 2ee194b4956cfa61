"""Sending Celery tasks through the outbox (see `models.outbox`).

`enqueue_task` writes the row inside the caller's transaction and relays it once that
transaction commits; a broker that is away then costs nothing but a delay: the row stays
unsent and `relay_outbox` (celery beat, every minute) sends it when the broker is back."""

import logging
import re
from contextlib import suppress
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from lms.celery import app

from ..models.outbox import OutboxMessage

logger = logging.getLogger(__name__)

__all__ = ["enqueue_task", "relay_outbox"]

# Task arguments are ids and codes, never text a person wrote: a broker and a worker's log
# may show them.
_CODE = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
PRUNE_SENT_AFTER = timedelta(days=7)


def _check_args(args: tuple) -> list:
    for arg in args:
        ok = (isinstance(arg, int) and not isinstance(arg, bool)) or (
            isinstance(arg, str) and _CODE.match(arg)
        )
        if not ok:
            raise ValueError("Outbox task arguments must be ids or codes.")
    return list(args)


def enqueue_task(task, *args) -> OutboxMessage:
    """Record `task(*args)` in the outbox, in the current transaction, and send it when that
    transaction commits. `task` is a Celery task or its name; `args` are ids or codes."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=_check_args(args))
    transaction.on_commit(partial(_relay_after_commit, message.pk, name, message.args))
    return message


def _publish(name: str, args: list) -> None:
    """Hand one task to the broker, or run it here when there is none (eager mode)."""
    if app.conf.task_always_eager:
        # No broker (a first run, the tests): run it in-process, as `delay` would.
        app.tasks[name].apply_async(args=args)
    else:
        # One connection attempt, no retries (kombu's default spends about 6 s retrying): a
        # broker that is away must not hold up the request that committed; the sweeper
        # sends the row later.
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_max=0.2)
            app.send_task(name, args=args, retry=False, connection=connection)


def _mark(message_id: int, error: BaseException | None) -> None:
    update = {"attempts": F("attempts") + 1}
    if error is None:
        update |= {"sent_at": timezone.now(), "last_error": ""}
    else:
        update["last_error"] = type(error).__name__[:300]
    OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(**update)


def _send(message_id: int, name: str, args: list) -> bool:
    """Publish, then record the outcome. Returns whether the broker took it."""
    eager = app.conf.task_always_eager
    try:
        _publish(name, args)
    except Exception as error:  # noqa: BLE001 - any failure leaves the row for the sweeper
        if eager:
            raise  # the task itself failed in-process: surface it, as `delay` would
        logger.warning("outbox message %s not sent: %s", message_id, type(error).__name__)
        with suppress(DatabaseError):  # the row stays unsent either way
            _mark(message_id, error)
        return False
    try:
        _mark(message_id, None)
    except DatabaseError as error:
        # Sent but not marked: the sweeper sends it again, which idempotent tasks absorb.
        logger.warning("outbox message %s sent, not marked: %s", message_id, type(error).__name__)
    return True


def _relay_after_commit(message_id: int, name: str, args: list) -> None:
    """Best effort, right after the commit; never fails the request that committed."""
    _send(message_id, name, args)


def relay_outbox(*, older_than: timedelta | None = None, limit: int = 1000) -> dict:
    """Send every message still unsent `older_than` after it was written (default
    PEERPATH_OUTBOX_RESEND_SECONDS), oldest first, stopping at the first the broker refuses;
    forget sent messages after a week. Returns counts. Safe to run twice at once: a message
    sent twice runs an idempotent task twice."""
    if older_than is None:
        older_than = timedelta(seconds=settings.PEERPATH_OUTBOX_RESEND_SECONDS)
    now = timezone.now()
    due = list(
        OutboxMessage.objects.due(now - older_than)
        .order_by("pk")
        .values_list("pk", "task", "args")[:limit]
    )
    sent = 0
    for message_id, name, args in due:
        if not _send(message_id, name, args):
            break  # the broker is still away: the next sweep tries again
        sent += 1
    pruned, _ = OutboxMessage.objects.filter(sent_at__lt=now - PRUNE_SENT_AFTER).delete()
    return {"due": len(due), "sent": sent, "pruned": pruned}
