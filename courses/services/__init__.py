"""Course services: every write that touches several rows or has side effects.
`learning` covers enrolment and progress; `assessment` covers quiz attempts and marking."""

from .assessment import *  # noqa: F403
from .learning import *  # noqa: F403
