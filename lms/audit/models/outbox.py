"""The task outbox: a Celery task to send, written in the same transaction as the change
that calls for it, so that a broker that is away when the change commits loses nothing.

A row is sent right after the commit (best effort) and marked sent; the sweeper
(`services.outbox.relay_outbox`, run by celery beat every minute) sends again every row
still unsent after a short delay. A row may be sent twice (sent, then the process died
before marking it): the tasks it names are idempotent, so that changes nothing."""

from django.db import models


class OutboxMessageQuerySet(models.QuerySet):
    def unsent(self):
        """Messages no broker has accepted yet."""
        return self.filter(sent_at__isnull=True)

    def due(self, before):
        """Unsent messages written before `before`: the relay right after the commit had
        its chance, so the sweeper may send them."""
        return self.unsent().filter(created_at__lt=before)


class OutboxMessage(models.Model):
    """One task to send. Only a task name and ids or codes: never personal text, which
    must not reach a broker (the service refuses anything else)."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        # The table the certification app created; the model moved, its rows did not.
        db_table = "certification_outboxmessage"
        ordering = ["pk"]
        indexes = [
            # The sweeper's query: the unsent rows, oldest first (a partial index stays small,
            # as almost every row is sent within a second).
            models.Index(
                fields=["created_at"],
                name="outbox_unsent_idx",
                condition=models.Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        state = "sent" if self.sent_at else "unsent"
        return f"{self.task}{tuple(self.args)} ({state})"
