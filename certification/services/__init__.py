"""Certification services. `frameworks`: loading and alignment; `practicum`: placements and
the hours ledger; `supervision`: sessions and competency sign-offs; `audit`: the chained
trail; `notifications`: practicum emails; `rules`: credential rules the practicum needs;
`credentials`: credential versions and eligibility; `certificates`: issuance and PDFs;
`organisations`: rosters, sharing, watch lists and notices; `renewal`: continuing education
and renewing; `outbox`: tasks sent
through the outbox, so a broker that is away loses none."""

from .certificates import *  # noqa: F403
from .credentials import *  # noqa: F403
from .lifecycle import *  # noqa: F403
from .loading import *  # noqa: F403
from .organisations import *  # noqa: F403
from .renewal import *  # noqa: F403
from .verification import *  # noqa: F403
