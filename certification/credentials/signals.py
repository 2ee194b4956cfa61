"""Signals sent when a certificate's standing changes (the verification and organisations
apps, above this one, listen)."""

from django.dispatch import Signal

# Sent inside the transaction when a certificate's public standing changes: revoked,
# replaced (by a correction or a renewal), suspended or reinstated, hidden or shown again.
# Arguments: certificate, change (one of "revoked", "replaced", "suspended", "reinstated",
# "hidden", "shown", "erased": the holder's data was erased, their name leaves the public
# record). Receivers that email someone
# should do it on commit.
certificate_changed = Signal()

# Sent inside the renewal's transaction, after the renewed certificate is saved and its
# audit event recorded. Arguments: certificate (the old one, now replaced), actor.
certificate_renewed = Signal()
