"""Signals sent when a certificate's standing changes (verification and organisations listen)."""

from django.dispatch import Signal

# Sent inside the transaction when a certificate's public standing changes: revoked,
# replaced (by a correction or a renewal), suspended or reinstated, hidden or shown again.
# Arguments: certificate, change (one of "revoked", "replaced", "suspended", "reinstated",
# "hidden", "shown"). Receivers that email someone
# should do it on commit.
certificate_changed = Signal()
