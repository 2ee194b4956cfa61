"""Certification services. `frameworks`: loading and alignment; `practicum`: placements and
the hours ledger."""

from .frameworks import *  # noqa: F403
from .practicum import *  # noqa: F403
