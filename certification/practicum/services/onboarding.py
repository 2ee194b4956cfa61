"""Supervisors who join by invitation, their qualification's approval, and cohorts uploaded
as a CSV file. Keyword-only, atomic; emails go through the outbox, and the link's token is
made by the worker that sends it (only its digest is stored; never a task argument or a log).

A supervisor who joins states their own qualification, so what they sign is held (kept, not
counted) until the host's admin or a registrar approves it (`approve_qualification`); the
ledger and the sign-off rule leave held signatures out (`practicum.held_signature`)."""

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.exceptions import (
    InvitationEmailMismatchError,
    InvitationInvalidError,
    InvitationNeedsSignInError,
)
from lms.accounts.models import Invitation, Membership, Organisation, User, normalise_email
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.exceptions import Problems
from lms.site import absolute_url
from lms.uploads import check_upload

from ..exceptions import NotYourPlacementError, PracticumError
from ..models import Placement, PlacementSupervisor, SupervisorInvitation
from ..models.onboarding import token_digest
from ..signals import practicum_signed
from ..tasks import send_onboarding_invitations_task

QUALIFICATION_TYPES = ("pdf", "png", "jpg", "jpeg")
QUALIFICATION_MAX_BYTES = 5 * 1024 * 1024
COHORT_MAX_BYTES = 2 * 1024 * 1024
COHORT_MAX_ROWS = 2000


# Inviting one supervisor -------------------------------------------------------------------


def _check_invitation_fields(problems, *, host, name, email, qualification, starts_on, ends_on):
    if host is None or host.kind != Organisation.Kind.PLACEMENT_HOST:
        problems.add(_("Choose the placement host where the supervision happens."), "host")
    if not (name or "").strip():
        problems.add(_("Enter the supervisor's name."), "name")
    try:
        validate_email(email)
    except ValidationError:
        problems.add(_("Enter the supervisor's email address, like name@example.org."), "email")
    if not (qualification or "").strip():
        problems.add(
            _("Enter the supervisor's qualification, as it should appear on what they sign."),
            "qualification",
        )
    if starts_on and ends_on and ends_on < starts_on:
        problems.add(_("The placement must end on or after the day it starts."), "ends_on")


@transaction.atomic
def invite_supervisor(
    *,
    invited_by,
    host,
    trainee_email: str,
    name: str,
    email: str,
    job_role: str = "",
    qualification: str,
    starts_on: date,
    ends_on: date,
    credential_code: str = "peer-foundations",
) -> SupervisorInvitation:
    """Invite a supervisor for a trainee's placement at `host`: by the trainee themselves,
    or by the host's admin or a registrar (the caller's permission is checked by the view).
    The email is queued through the outbox; it carries a link that works once."""
    email, trainee_email = normalise_email(email), normalise_email(trainee_email)
    problems = Problems()
    _check_invitation_fields(
        problems,
        host=host,
        name=name,
        email=email,
        qualification=qualification,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if email and email == trainee_email:
        problems.add(_("A trainee cannot supervise their own placement."), "email")
    problems.raise_as(PracticumError)
    trainee = User.objects.filter(email__iexact=trainee_email, is_active=True).first()
    invitation = SupervisorInvitation(
        host=host,
        trainee=trainee,
        trainee_email=trainee_email,
        name=name.strip(),
        email=email,
        job_role=(job_role or "").strip(),
        qualification=qualification.strip(),
        credential_code=credential_code,
        starts_on=starts_on,
        ends_on=ends_on,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.PEERPATH_INVITATION_DAYS),
    )
    # The one-invitation-per-placement constraint is checked by the database, below.
    invitation.full_clean(
        exclude=["token_sha256", "qualification_file"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:
        raise PracticumError(
            _("This supervisor is already invited for a placement starting that day."),
            fields={"email": [_("Already invited for a placement starting that day.")]},
        ) from error
    record_event(
        actor=invited_by,
        action="supervisor.invited",
        obj=invitation,
        after={"host": host.pk, "trainee": trainee.pk if trainee else None},
    )
    enqueue_task(send_onboarding_invitations_task, host.pk)
    return invitation


def send_supervisor_invitation(*, invitation_id: int) -> bool:
    """Email one supervisor invitation with a new link, made here. Idempotent: an invitation
    sent, accepted or expired is not sent again. Returns whether an email went out."""
    with transaction.atomic():
        invitation = (
            SupervisorInvitation.objects.select_for_update(of=("self",))
            .select_related("host", "trainee")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at or invitation.accepted_at:
            return False
        if invitation.is_expired:
            return False
        token = secrets.token_urlsafe(32)
        invitation.token_sha256 = token_digest(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_sha256", "sent_at"])
        context = {
            "invitation": invitation,
            "url": absolute_url(reverse("practicum:join_link", args=[token])),
            "trainee": invitation.trainee.display_name if invitation.trainee else "",
        }
        subject = render_to_string(
            "certification/email/supervisor_invitation_subject.txt", context
        ).strip()
        body = render_to_string("certification/email/supervisor_invitation.txt", context)
        send_mail(subject, body, None, [invitation.email])
    return True


def send_onboarding_invitations(*, organisation_id: int) -> int:
    """Send every unsent invitation of the organisation, trainees' and supervisors'
    (what an upload or an invitation queued). Harmless to run twice. Returns how many went."""
    from lms.accounts.services import send_invitation

    sent = 0
    trainee_ids = Invitation.objects.pending().filter(
        organisation_id=organisation_id, sent_at__isnull=True
    )
    for pk in trainee_ids.values_list("pk", flat=True):
        sent += send_invitation(invitation_id=pk)
    supervisor_ids = SupervisorInvitation.objects.unsent().filter(host_id=organisation_id)
    for pk in supervisor_ids.values_list("pk", flat=True):
        sent += send_supervisor_invitation(invitation_id=pk)
    return sent


# Joining ----------------------------------------------------------------------------------


def _usable(invitation):
    """The invitation, or the error an account invitation's link gives (same wording)."""
    from lms.accounts.services import _check_usable

    return _check_usable(invitation)


def invitation_for_token(token: str) -> SupervisorInvitation:
    """The invitation a link's token opens, or an error saying what is wrong with it."""
    if not token:
        raise InvitationInvalidError()
    return _usable(
        SupervisorInvitation.objects.select_related("host", "trainee")
        .filter(token_sha256=token_digest(token))
        .first()
    )


def check_qualification_file(upload) -> None:
    """A PDF, PNG or JPEG of at most 5 MB whose content matches its name (lms.uploads)."""
    check_upload(
        upload,
        extensions=QUALIFICATION_TYPES,
        max_bytes=QUALIFICATION_MAX_BYTES,
        what=_("a qualification"),
    )


@transaction.atomic
def join_as_supervisor(
    *,
    token: str,
    user=None,
    legal_name: str = "",
    preferred_name: str = "",
    password: str = "",
    qualification: str,
    qualification_expires: date | None,
    qualification_file,
) -> tuple[User, SupervisorInvitation]:
    """Accept a supervisor invitation once: as the signed-in person it was sent to, or by
    creating their account. Grants the supervisor role at the host, keeps the stated
    qualification (held until approved) and makes the placement when the trainee has an
    account (else when they join: `place_waiting`)."""
    from lms.accounts.services import _create_user

    invitation = _usable(
        SupervisorInvitation.objects.select_for_update()
        .filter(token_sha256=token_digest(token or "-"))
        .first()
    )
    problems = Problems()
    if not (qualification or "").strip():
        problems.add(_("Enter your qualification."), "qualification")
    if qualification_expires and qualification_expires < timezone.localdate():
        problems.add(
            _("That date has passed: a qualification must be in date to supervise."),
            "qualification_expires",
        )
    if qualification_file is None:
        problems.add(_("Upload your certificate of qualification (PDF, PNG or JPEG)."), "file")
    else:
        try:
            check_qualification_file(qualification_file)
        except ValidationError as error:
            problems.add(" ".join(error.messages), "file")
    problems.raise_as(PracticumError)
    if user is not None and user.is_authenticated:
        if normalise_email(user.email) != invitation.email:
            raise InvitationEmailMismatchError()
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationNeedsSignInError()
        user = _create_user(
            email=invitation.email,
            legal_name=legal_name,
            password=password,
            preferred_name=preferred_name,
        )
    Membership.objects.get_or_create(
        user=user, organisation=invitation.host, role=Membership.Role.SUPERVISOR
    )
    invitation.qualification = qualification.strip()
    invitation.qualification_expires = qualification_expires
    invitation.qualification_file = qualification_file
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    # The digest stays: the link, opened again, says it was used (accepted_at spends it).
    invitation.save()
    record_event(
        actor=user,
        action="supervisor.joined",
        obj=invitation,
        after={"host": invitation.host_id, "expires": qualification_expires},
    )
    trainee = (
        invitation.trainee
        or User.objects.filter(email__iexact=invitation.trainee_email, is_active=True).first()
    )
    if trainee is not None:
        _place(invitation, trainee=trainee, actor=user)
    return user, invitation


def _place(invitation: SupervisorInvitation, *, trainee, actor) -> Placement | None:
    """The invitation's placement, with the supervisor's qualification held."""
    supervisor = invitation.accepted_by
    if supervisor is None or invitation.placement_id:
        return invitation.placement
    if supervisor.pk == trainee.pk:
        raise PracticumError(_("A trainee cannot supervise their own placement."))
    placement = Placement(
        trainee=trainee,
        host=invitation.host,
        starts_on=invitation.starts_on,
        ends_on=invitation.ends_on,
        credential_code=invitation.credential_code,
    )
    placement.full_clean()
    placement.save()
    PlacementSupervisor.objects.create(
        placement=placement,
        supervisor=supervisor,
        qualification=invitation.qualification,
        qualification_expires=invitation.qualification_expires,
        qualification_status=PlacementSupervisor.QualificationStatus.HELD,
        invitation=invitation,
    )
    invitation.trainee, invitation.placement = trainee, placement
    invitation.save(update_fields=["trainee", "placement"])
    record_event(
        actor=actor,
        action="placement.created",
        obj=placement,
        after={
            "trainee": trainee.pk,
            "host": invitation.host_id,
            "supervisor": supervisor.pk,
            "starts_on": invitation.starts_on,
            "ends_on": invitation.ends_on,
            "credential": invitation.credential_code,
            "qualification": "held",
        },
    )
    return placement


@transaction.atomic
def place_waiting(*, user) -> int:
    """A trainee joined: make the placements whose supervisors joined first. Returns how many."""
    # Lock the invitations' rows only (the supervisor who accepted is an outer join).
    waiting = SupervisorInvitation.objects.select_for_update(of=("self",)).filter(
        trainee_email=normalise_email(user.email),
        accepted_at__isnull=False,
        placement__isnull=True,
    )
    made = 0
    for invitation in waiting.select_related("accepted_by", "host"):
        made += _place(invitation, trainee=user, actor=user) is not None
    return made


@transaction.atomic
def approve_qualification(*, actor, link_id: int) -> PlacementSupervisor:
    """The host's admin or a registrar approves a supervisor's stated qualification on a
    placement (the view checks who may): what they signed there counts from now on."""
    link = (
        PlacementSupervisor.objects.select_for_update(of=("self",))
        .select_related("placement__trainee")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise NotYourPlacementError(_("We could not find that supervisor."))
    if not link.held:
        return link
    if actor.pk in (link.supervisor_id, link.placement.trainee_id):
        raise PracticumError(_("Someone else must approve this qualification."))
    link.qualification_status = PlacementSupervisor.QualificationStatus.APPROVED
    link.qualification_decided_by, link.qualification_decided_at = actor, timezone.now()
    link.save(
        update_fields=[
            "qualification_status",
            "qualification_decided_by",
            "qualification_decided_at",
        ]
    )
    record_event(
        actor=actor,
        action="supervisor.qualification_approved",
        obj=link,
        before={"status": "held"},
        after={"status": "approved"},
    )
    placement = link.placement
    practicum_signed.send(
        sender=PlacementSupervisor,
        trainee=placement.trainee,
        credential_code=placement.credential_code,
    )
    return link


# Cohorts from a CSV file ------------------------------------------------------------------

COLUMNS = (
    "trainee_email",
    "trainee_name",
    "supervisor_email",
    "supervisor_name",
    "supervisor_role",
    "qualification",
    "starts_on",
    "ends_on",
)
REQUIRED = ("trainee_email", "trainee_name")
SUPERVISOR_COLUMNS = (
    "supervisor_email",
    "supervisor_name",
    "qualification",
    "starts_on",
    "ends_on",
)


@dataclass
class CohortRow:
    line: int
    values: dict
    errors: list = field(default_factory=list)
    invite_trainee: bool = False  # what confirming would do (`_plan`)
    invite_supervisor: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def actions(self) -> list[str]:
        """What confirming would do for this row, in words."""
        v, said = self.values, []
        if self.invite_trainee:
            said.append(_("invite trainee %(email)s") % {"email": v["trainee_email"]})
        if self.invite_supervisor:
            said.append(
                _("invite supervisor %(email)s for a placement from %(starts)s to %(ends)s")
                % {"email": v["supervisor_email"], "starts": v["starts_on"], "ends": v["ends_on"]}
            )
        return said


@dataclass
class CohortPreview:
    rows: list
    problem: str = ""  # about the whole file (no rows read)

    @property
    def ok(self) -> bool:
        return not self.problem and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    @property
    def change_count(self) -> int:
        return sum(1 for row in self.rows if row.ok and row.actions)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PracticumError(_("The file is not text. Save it as CSV (UTF-8) and upload it again."))


def _date(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_cohort_file(upload) -> bytes:
    """The bytes of an uploaded cohort file, checked like every upload (lms.uploads)."""
    try:
        check_upload(upload, extensions=("csv",), max_bytes=COHORT_MAX_BYTES, what=_("a CSV"))
    except ValidationError as error:
        raise PracticumError(" ".join(error.messages), fields={"file": error.messages}) from error
    return upload.read()


def preview_cohort(*, organisation, data: bytes) -> CohortPreview:
    """Read a cohort file and say, row by row, what is wrong or what confirming would do.
    Changes nothing. A fixed number of queries, however many rows."""
    try:
        text = _decode(data)
    except PracticumError as error:
        return CohortPreview(rows=[], problem=error.message)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return CohortPreview(
            rows=[],
            problem=_(
                "The first row must name the columns; missing: %(missing)s. Columns: %(all)s."
            )
            % {"missing": ", ".join(missing), "all": ", ".join(COLUMNS)},
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
        }
        rows.append(CohortRow(line=number, values={c: values.get(c, "") for c in COLUMNS}))
        if len(rows) > COHORT_MAX_ROWS:
            return CohortPreview(
                rows=[], problem=_("At most %(n)s rows at a time.") % {"n": COHORT_MAX_ROWS}
            )
    _check_rows(organisation, rows)
    return CohortPreview(rows=rows)


def _check_rows(organisation, rows) -> None:
    host = organisation.kind == Organisation.Kind.PLACEMENT_HOST
    seen_trainees, seen_pairs = {}, {}
    for row in rows:
        v, errors = row.values, row.errors
        v["trainee_email"] = normalise_email(v["trainee_email"])
        v["supervisor_email"] = normalise_email(v["supervisor_email"])
        try:
            validate_email(v["trainee_email"])
        except ValidationError:
            errors.append(
                _("trainee_email: %(v)s is not an email address.")
                % {"v": v["trainee_email"] or _("(empty)")}
            )
        if not v["trainee_name"]:
            errors.append(_("trainee_name: enter the trainee's name."))
        elif len(v["trainee_name"]) > 200:
            errors.append(_("trainee_name: at most 200 characters."))
        if v["trainee_email"] in seen_trainees and not any(v[c] for c in SUPERVISOR_COLUMNS):
            errors.append(
                _("The same trainee is on line %(line)s.")
                % {"line": seen_trainees[v["trainee_email"]]}
            )
        seen_trainees.setdefault(v["trainee_email"], row.line)
        if any(v[c] for c in SUPERVISOR_COLUMNS + ("supervisor_role",)):
            _check_supervisor_columns(row, host=host, seen=seen_pairs)
    _plan(organisation, [row for row in rows if row.ok])


def _check_supervisor_columns(row, *, host: bool, seen: dict) -> None:
    v, errors = row.values, row.errors
    if not host:
        errors.append(
            _(
                "Supervisors and placements are added by the placement host; leave these "
                "columns empty."
            )
        )
        return
    for column in SUPERVISOR_COLUMNS:
        if not v[column]:
            errors.append(_("%(column)s: needed with a supervisor.") % {"column": column})
    if v["supervisor_email"]:
        try:
            validate_email(v["supervisor_email"])
        except ValidationError:
            errors.append(
                _("supervisor_email: %(v)s is not an email address.") % {"v": v["supervisor_email"]}
            )
        if v["supervisor_email"] == v["trainee_email"]:
            errors.append(_("A trainee cannot supervise their own placement."))
    starts, ends = _date(v["starts_on"]), _date(v["ends_on"])
    if v["starts_on"] and starts is None:
        errors.append(_("starts_on: write the date as YYYY-MM-DD, e.g. 2026-03-01."))
    if v["ends_on"] and ends is None:
        errors.append(_("ends_on: write the date as YYYY-MM-DD, e.g. 2026-06-30."))
    if starts and ends and ends < starts:
        errors.append(_("ends_on: the placement must end on or after the day it starts."))
    if (
        len(v["qualification"]) > 250
        or len(v["supervisor_name"]) > 200
        or len(v["supervisor_role"]) > 150
    ):
        errors.append(_("A supervisor's name, role or qualification is too long."))
    key = (v["trainee_email"], v["supervisor_email"], v["starts_on"])
    if key in seen:
        errors.append(_("The same placement is on line %(line)s.") % {"line": seen[key]})
    seen.setdefault(key, row.line)


def _plan(organisation, rows) -> None:
    """What confirming would do for each valid row, against what already exists (four
    queries, whatever the number of rows): a second upload of the same file plans nothing."""
    emails = {row.values["trainee_email"] for row in rows}
    members = set(
        Membership.objects.filter(
            organisation=organisation,
            role=Membership.Role.TRAINEE,
            user__email__in=emails,
        ).values_list("user__email", flat=True)
    )
    invited = set(
        Invitation.objects.filter(
            organisation=organisation, role=Membership.Role.TRAINEE, email__in=emails
        )
        .exclude(accepted_at__isnull=True, expires_at__lte=timezone.now())
        .values_list("email", flat=True)
    )
    supervised = {
        (t, s, d.isoformat())
        for t, s, d in SupervisorInvitation.objects.filter(
            host=organisation, trainee_email__in=emails
        ).values_list("trainee_email", "email", "starts_on")
    }
    planned_trainees = set()
    for row in rows:
        v = row.values
        email = v["trainee_email"]
        if email not in members | invited | planned_trainees:
            row.invite_trainee = True
            planned_trainees.add(email)
        pair = (email, v["supervisor_email"], v["starts_on"])
        row.invite_supervisor = bool(v["supervisor_email"]) and pair not in supervised


@transaction.atomic
def import_cohort(*, actor, organisation, data: bytes) -> dict:
    """Confirm a cohort file: invite each new trainee (as a trainee of the organisation) and,
    at a placement host, each new supervisor with their placement. Refused whole if any row
    has an error. Idempotent: what exists already is left as it is, so the same file again
    changes nothing. The emails go through the outbox, in one task for the organisation."""
    preview = preview_cohort(organisation=organisation, data=data)
    if preview.problem:
        raise PracticumError(preview.problem)
    if not preview.ok:
        raise PracticumError(
            _("%(n)s rows have errors; nothing was changed. Correct them and upload again.")
            % {"n": preview.error_count}
        )
    now = timezone.now()
    expires = now + timedelta(days=settings.PEERPATH_INVITATION_DAYS)
    emails = {row.values["trainee_email"] for row in preview.rows}
    users = {u.email: u for u in User.objects.filter(email__in=emails, is_active=True)}
    trainee_invitations, supervisor_invitations = [], []
    for row in preview.rows:
        v = row.values
        if row.invite_trainee:
            trainee_invitations.append(
                Invitation(
                    organisation=organisation,
                    email=v["trainee_email"],
                    role=Membership.Role.TRAINEE,
                    invited_by=actor,
                    expires_at=expires,
                )
            )
        if row.invite_supervisor:
            supervisor_invitations.append(
                SupervisorInvitation(
                    host=organisation,
                    trainee=users.get(v["trainee_email"]),
                    trainee_email=v["trainee_email"],
                    name=v["supervisor_name"],
                    email=v["supervisor_email"],
                    job_role=v["supervisor_role"],
                    qualification=v["qualification"],
                    starts_on=_date(v["starts_on"]),
                    ends_on=_date(v["ends_on"]),
                    invited_by=actor,
                    expires_at=expires,
                )
            )
    Invitation.objects.bulk_create(trainee_invitations)
    SupervisorInvitation.objects.bulk_create(supervisor_invitations)
    counts = {"trainees": len(trainee_invitations), "supervisors": len(supervisor_invitations)}
    if trainee_invitations or supervisor_invitations:
        record_event(
            actor=actor,
            action="cohort.imported",
            obj=organisation,
            after={**counts, "rows": len(preview.rows)},
        )
        enqueue_task(send_onboarding_invitations_task, organisation.pk)
    return counts
