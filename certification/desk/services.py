"""The registrar desk's read model: for the people working toward the chosen credentials,
who is eligible, who is close, who is blocked and by which requirements, with numbers. It
reads; it never issues or changes anything (issuing stays with the credential services).

Cost: a fixed number of queries for the page, plus the fixed number `check_eligibility_many`
takes for each person listed (it reads every credential of one person together). The desk
caps the people it assesses at MAX_PEOPLE and says so when it does."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certification.credentials.models import Certificate
from certification.credentials.services.credentials import (
    Eligibility,
    Requirement,
    check_eligibility_many,
)
from certification.hours.models import OutsideTraining
from certification.standards.models import Credential, CredentialVersion
from courses.models import Cohort
from lms.accounts.models import ErasureRequest, Membership, User
from lms.hours import lines_for

# A person who has met at least this share of a credential's requirements, or has one left,
# is "close".
CLOSE_SHARE = 0.75
MAX_PEOPLE = 500


class Standing:
    """Where one person stands with one credential, in the order the desk lists them."""

    ELIGIBLE = "eligible"
    CLOSE = "close"
    BLOCKED = "blocked"
    CERTIFIED = "certified"
    ORDER = (ELIGIBLE, CLOSE, BLOCKED, CERTIFIED)
    LABELS = {
        ELIGIBLE: _("Eligible"),
        CLOSE: _("Close"),
        BLOCKED: _("Blocked"),
        CERTIFIED: _("Holds the certificate"),
    }


@dataclass
class DeskRow:
    """One person and one credential."""

    person: User
    credential_code: str
    credential_title: str
    standing: str
    eligibility: Eligibility | None = None  # None for a person who holds the certificate

    @property
    def standing_label(self) -> str:
        return str(Standing.LABELS[self.standing])

    @property
    def blockers(self) -> list[Requirement]:
        return self.eligibility.missing if self.eligibility else []

    @property
    def progress(self) -> str:
        """e.g. "5 of 7 requirements"."""
        if self.eligibility is None:
            return ""
        return str(
            _("%(done)s of %(all)s requirements")
            % {"done": self.eligibility.done_count, "all": len(self.eligibility.requirements)}
        )

    @property
    def waiting_for_name(self) -> bool:
        """Every requirement met, but the certificate waits for the person to confirm the
        name it will carry."""
        return bool(
            self.eligibility and self.eligibility.met and not self.eligibility.name_confirmed
        )


@dataclass
class Desk:
    credentials: list[tuple[str, str]]  # (code, title) of every credential Peerpath issues
    cohorts: list[Cohort]
    rows: list[DeskRow]
    counts: dict[str, int]
    # (requirement label, how many people it blocks), most people first.
    blockers: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False
    open_erasures: int = 0
    failures: list[Certificate] = field(default_factory=list)
    outside_waiting: int = 0  # outside training waiting for a registrar


def standing_of(eligibility: Eligibility) -> str:
    """Eligible when every requirement is met; close when one is left or most are met."""
    if eligibility.met:
        return Standing.ELIGIBLE
    total = len(eligibility.requirements)
    if len(eligibility.missing) == 1 or (total and eligibility.done_count / total >= CLOSE_SHARE):
        return Standing.CLOSE
    return Standing.BLOCKED


def credential_choices() -> list[tuple[str, str]]:
    """(code, title) of the credentials Peerpath issues, titles from each one's newest
    version. Two queries."""
    codes = list(Credential.objects.issued_by_product().values_list("code", flat=True))
    titles = {}
    for code, title in (
        CredentialVersion.objects.filter(credential__code__in=codes)
        .order_by("credential__code", "number")
        .values_list("credential__code", "title")
    ):
        titles[code] = title  # the newest version's title wins
    return [(code, titles.get(code, code)) for code in codes]


def people_for(*, codes, cohort=None):
    """People working toward any of `codes`: a cohort's learners when a cohort is chosen;
    otherwise trainees of any organisation, people pinned to one of the credentials and
    learners in any cohort. Active accounts only, by name."""
    people = User.objects.filter(is_active=True)
    if cohort is not None:
        people = people.filter(cohorts=cohort)
    else:
        people = people.filter(
            Q(memberships__role=Membership.Role.TRAINEE)
            | Q(credential_enrolments__credential__code__in=codes)
            | Q(cohorts__isnull=False)
        )
    return people.distinct().order_by("legal_name", "email")


def issuance_failures(limit=20) -> list[Certificate]:
    """Certificates that are still being prepared after a render or signing attempt failed,
    newest attempt first."""
    return list(
        Certificate.objects.filter(status=Certificate.Status.PENDING)
        .exclude(last_error="")
        .order_by("-last_attempt_at")[:limit]
    )


def build_desk(
    *, credential_code: str = "", cohort: Cohort | None = None, standing: str = ""
) -> Desk:
    """The desk for one credential (or every credential Peerpath issues) and one cohort (or
    everybody), optionally only the rows of one standing."""
    credentials = credential_choices()
    codes = [code for code, _title in credentials if not credential_code or code == credential_code]
    titles = dict(credentials)
    people = list(people_for(codes=codes, cohort=cohort)[: MAX_PEOPLE + 1]) if codes else []
    truncated = len(people) > MAX_PEOPLE
    people = people[:MAX_PEOPLE]

    certified = (
        set(
            Certificate.objects.active()
            .filter(trainee__in=people, credential_code__in=codes, kind=Certificate.Kind.CREDENTIAL)
            .values_list("trainee_id", "credential_code")
        )
        if people
        else set()
    )

    # Every source of training hours is asked once for everybody listed.
    hours = lines_for([person.pk for person in people]) if people else {}
    rows = []
    for person in people:
        wanted = [code for code in codes if (person.pk, code) not in certified]
        found = (
            {
                e.credential.code: e
                for e in check_eligibility_many(
                    trainee=person, codes=wanted, hours=hours.get(person.pk, [])
                )
            }
            if wanted
            else {}
        )
        for code in codes:
            if (person.pk, code) in certified:
                rows.append(DeskRow(person, code, titles[code], Standing.CERTIFIED))
            elif code in found:
                eligibility = found[code]
                rows.append(
                    DeskRow(
                        person,
                        code,
                        eligibility.version.title,
                        standing_of(eligibility),
                        eligibility,
                    )
                )

    counts = Counter(row.standing for row in rows)
    blockers = Counter(
        requirement.label
        for row in rows
        if row.standing != Standing.ELIGIBLE
        for requirement in row.blockers
    )
    if standing in Standing.ORDER:
        rows = [row for row in rows if row.standing == standing]
    rows.sort(key=lambda row: (Standing.ORDER.index(row.standing), row.credential_code))
    return Desk(
        credentials=credentials,
        cohorts=list(Cohort.objects.order_by("-start_date", "name")),
        rows=rows,
        counts={key: counts.get(key, 0) for key in Standing.ORDER},
        blockers=blockers.most_common(),
        truncated=truncated,
        open_erasures=ErasureRequest.objects.filter(status=ErasureRequest.Status.OPEN).count(),
        failures=issuance_failures(),
        outside_waiting=OutsideTraining.objects.waiting().count(),
    )
