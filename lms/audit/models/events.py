"""The audit trail: one append-only event per state change of a practicum record, sign-off
or certificate. Events are chained: each carries the hash of the one before it, so editing,
deleting or inserting a row breaks the chain (`manage.py verify_audit_chain` finds where).
On PostgreSQL a trigger refuses UPDATE and DELETE on this table outright."""

import hashlib
import json

from django.conf import settings
from django.db import models

GENESIS = "0" * 64


def content_digest(content: dict) -> str:
    """SHA-256 of a canonical JSON rendering (sorted keys, no spaces)."""
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_label(model) -> str:
    """The name a model's objects have in the trail: `audit_label` on the model when it has
    one (a model that moved app keeps the name the chain recorded from the start, as the
    hashes cover it), else its label."""
    return getattr(model, "audit_label", None) or model._meta.label_lower


class AuditEvent(models.Model):
    # No database foreign key: the trail must outlive (and never block) changes to users.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        # The table the certification app created; the model moved, its rows did not.
        db_table = "certification_auditevent"
        ordering = ["pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def chained_content(self) -> dict:
        return {
            "actor": self.actor_id,
            "action": self.action,
            "object": f"{self.object_type}#{self.object_id}",
            "before": self.before,
            "after": self.after,
            "at": self.at.isoformat(),
            "request_id": self.request_id,
            "prev": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return content_digest(self.chained_content())


class AuditCheckpoint(models.Model):
    """The chain's head, kept outside the events table and keyed: the last event's id and
    hash, the number of events, and an HMAC of the three with a key from settings (never in
    the database). Deleting the newest events leaves the checkpoint naming a head that is no
    longer there, on any database; rewriting the checkpoint needs the key. One row, written
    in the transaction that appends each event."""

    last_event_id = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    event_count = models.BigIntegerField()
    mac = models.CharField(max_length=64)
    at = models.DateTimeField()

    def __str__(self):
        return f"audit head {self.last_event_id} ({self.event_count} events)"
