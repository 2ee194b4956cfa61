"""Audit services, imported by module: `events` (append to the chain, check it) and `outbox`
(enqueue a task in the caller's transaction, relay what the broker missed)."""
