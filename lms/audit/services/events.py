"""Writing and checking the audit trail. Every event carries the hash of the one before it;
`verify_audit_chain` recomputes them all and reports the first place the chain breaks."""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from lms.request_id import current_request_id

from ..models.events import GENESIS, AuditCheckpoint, AuditEvent, audit_label, content_digest

__all__ = ["checkpoint_mac", "record_event", "verify_audit_chain", "write_checkpoint"]

# The checkpoint is also written to this log at each append: a copy outside the database that
# an operator can ship elsewhere (an older checkpoint put back in the table is caught by it).
checkpoint_log = logging.getLogger("lms.audit.checkpoint")
CHECKPOINT_ID = 1


def _checkpoint_key() -> bytes:
    configured = settings.PEERPATH_AUDIT_CHECKPOINT_KEY
    if configured:
        return configured.encode()
    return salted_hmac("lms.audit.checkpoint", "key", algorithm="sha256").digest()


def checkpoint_mac(*, last_event_id: int, head_hash: str, event_count: int) -> str:
    """The HMAC-SHA256 of the chain's head, keyed with PEERPATH_AUDIT_CHECKPOINT_KEY (or a key
    derived from SECRET_KEY): only someone holding the key can move the checkpoint."""
    message = f"{last_event_id}:{head_hash}:{event_count}".encode()
    return hmac.new(_checkpoint_key(), message, hashlib.sha256).hexdigest()


def write_checkpoint(*, last_event_id: int, head_hash: str, event_count: int) -> None:
    """Anchor the chain at its current head (in the caller's transaction)."""
    mac = checkpoint_mac(last_event_id=last_event_id, head_hash=head_hash, event_count=event_count)
    AuditCheckpoint.objects.update_or_create(
        pk=CHECKPOINT_ID,
        defaults={
            "last_event_id": last_event_id,
            "head_hash": head_hash,
            "event_count": event_count,
            "mac": mac,
            "at": timezone.now(),
        },
    )
    checkpoint_log.info("audit head %s %s %s %s", last_event_id, head_hash, event_count, mac)


# Any fixed number: PostgreSQL's advisory lock that serialises appends to the chain.
CHAIN_LOCK = 5_310_001


def _plain(value: dict | None) -> dict:
    """JSON-native values only (dates become strings), so the stored row hashes the same."""
    return json.loads(json.dumps(value or {}, default=str, sort_keys=True))


def record_event(*, actor, action: str, obj, before=None, after=None) -> AuditEvent:
    """Append an event for `obj` to the chain. Must run inside the transaction that makes the
    change, so the event and the change land (or roll back) together. Record states, codes and
    numbers in before/after, never free text a person wrote."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction that makes the change.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    # (SQLite transactions here are IMMEDIATE, so writers are already serialised.)
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=audit_label(type(obj)),
        object_id=str(obj.pk),
        before=_plain(before),
        after=_plain(after),
        at=timezone.now(),
        request_id=current_request_id(),
        prev_hash=last or GENESIS,
    )
    event.hash = event.compute_hash()
    event.save()
    checkpoint = AuditCheckpoint.objects.filter(pk=CHECKPOINT_ID).first()
    count = checkpoint.event_count + 1 if checkpoint else AuditEvent.objects.count()
    write_checkpoint(last_event_id=event.pk, head_hash=event.hash, event_count=count)
    return event


CHAIN_FIELDS = (
    "pk",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "at",
    "request_id",
    "prev_hash",
    "hash",
)


def verify_audit_chain(*, batch_size: int = 10_000) -> list[str]:
    """Problems found in the chain, in order (empty when it is intact). Linear in the events,
    by nature: every hash is recomputed. Reads plain rows (no model instances), hashing
    exactly what AuditEvent.chained_content() does."""
    problems = []
    previous = GENESIS
    last_pk, count = None, 0
    rows = AuditEvent.objects.order_by("pk").values_list(*CHAIN_FIELDS)
    for (
        pk,
        actor,
        action,
        object_type,
        object_id,
        before,
        after,
        at,
        request_id,
        prev,
        hash_,
    ) in rows.iterator(chunk_size=batch_size):
        if prev != previous:
            problems.append(
                f"Event {pk}: the chain is broken before it (an event was removed, "
                "inserted or changed)."
            )
        content = {
            "actor": actor,
            "action": action,
            "object": f"{object_type}#{object_id}",
            "before": before,
            "after": after,
            "at": at.isoformat(),
            "request_id": request_id,
            "prev": prev,
        }
        if content_digest(content) != hash_:
            problems.append(f"Event {pk}: its content does not match its hash (edited).")
        previous = hash_
        last_pk, count = pk, count + 1
    problems.extend(
        _checkpoint_problems(
            last_pk=last_pk, head_hash=previous, count=count, chain_intact=not problems
        )
    )
    return problems


def _checkpoint_problems(*, last_pk, head_hash: str, count: int, chain_intact: bool) -> list[str]:
    """The chain's end against the keyed checkpoint: events removed from the end (or the
    checkpoint removed or forged) are reported here, since the chain itself cannot show it."""
    checkpoint = AuditCheckpoint.objects.filter(pk=CHECKPOINT_ID).first()
    if checkpoint is None:
        if count:
            return ["The chain's checkpoint is missing (removed, or never written)."]
        return []
    expected = checkpoint_mac(
        last_event_id=checkpoint.last_event_id,
        head_hash=checkpoint.head_hash,
        event_count=checkpoint.event_count,
    )
    if not hmac.compare_digest(expected, checkpoint.mac):
        return ["The chain's checkpoint does not match its key (edited or forged)."]
    if (checkpoint.last_event_id, checkpoint.head_hash) != (last_pk, head_hash):
        return [
            f"The chain ends at event {last_pk}, but its checkpoint records event "
            f"{checkpoint.last_event_id}: events were removed from the end (or added without "
            "the checkpoint)."
        ]
    if checkpoint.event_count != count and chain_intact:
        # Same head, fewer events, and yet every link holds: the chain was re-hashed after
        # events were removed (its hashes are not keyed; the checkpoint is).
        return [
            f"The chain holds {count} events, but its checkpoint records "
            f"{checkpoint.event_count}: events were removed and the chain re-hashed."
        ]
    return []
