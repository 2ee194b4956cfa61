"""Certification services still to split into the credentials, verification and
organisations apps (issue 15): `loading`: the frameworks file, each app's part;
`credentials`: eligibility and the name on certificates; `certificates`: issuance and PDFs;
`lifecycle`: revoke, suspend, replace; `organisations`: rosters, sharing, watch lists and
notices; `renewal`: continuing education and renewing; `verification`: public records.
(Moved out already: lms.audit, lms.privacy, certification.standards, certification.practicum,
each imported by module.)"""

from .certificates import *  # noqa: F403
from .credentials import *  # noqa: F403
from .lifecycle import *  # noqa: F403
from .loading import *  # noqa: F403
from .organisations import *  # noqa: F403
from .renewal import *  # noqa: F403
from .verification import *  # noqa: F403
