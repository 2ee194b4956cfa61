"""Signals the practicum sends for later apps (credential issuance listens; the practicum
never imports it)."""

from django.dispatch import Signal

# Sent inside the transaction when a supervisor signs something that counts toward a
# credential (an entry approved, a session recorded, a competency rated).
# Arguments: trainee (a User), credential_code (str). Receivers that start background work
# should do it on commit.
practicum_signed = Signal()
