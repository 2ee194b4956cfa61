"""Signals other parts of certification listen to (credential issuance, for one)."""

from django.dispatch import Signal

# Sent inside the transaction when a supervisor signs something that counts toward a
# credential (an entry approved, a session recorded, a competency rated).
# Arguments: trainee (a User), credential_code (str). Receivers that start background work
# should do it on commit.
practicum_signed = Signal()

# Sent inside the transaction when a certificate's public standing changes: revoked,
# replaced (by a correction or a renewal), suspended or reinstated, hidden or shown again.
# Arguments: certificate, change (one of "revoked", "replaced", "suspended", "reinstated",
# "hidden", "shown"). Receivers that email someone
# should do it on commit.
certificate_changed = Signal()
