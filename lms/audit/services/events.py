"""Writing and checking the audit trail. Every event carries the hash of the one before it;
`verify_audit_chain` recomputes them all and reports the first place the chain breaks."""

import json

from django.db import connection, transaction
from django.utils import timezone

from lms.request_id import current_request_id

from ..models.events import GENESIS, AuditEvent, audit_label, content_digest

__all__ = ["record_event", "verify_audit_chain"]

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
    return problems
