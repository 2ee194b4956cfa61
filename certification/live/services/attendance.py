"""Check-in codes, the signed register, make-ups and corrections.

A register is signed once, for the whole session, in one request (a fixed number of
queries however many learners); after that it is locked, and a correction or a make-up is
a new signed record, never an edit. Every signature is audited."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment
from courses.services import refresh_course_completion
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.exceptions import Problems

from .. import permissions
from ..exceptions import LiveError, NotFoundError, RegisterLockedError
from ..models import Attendance, CheckIn, LiveSession, SignedRegister
from . import credit, places

# Letters and digits that cannot be mistaken for each other when read off a screen.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
Status = Attendance.Status
COMPLETE_TASK = "certification.live.tasks.complete_courses_task"


def rotation_minutes() -> int:
    return int(getattr(settings, "LIVE_CHECK_IN_ROTATION_MINUTES", 2))


def opens_before_minutes() -> int:
    """Check-in opens this long before the start and closes at the end."""
    return int(getattr(settings, "LIVE_CHECK_IN_OPENS_MINUTES", 15))


def window_at(moment) -> int:
    return int(moment.timestamp()) // (rotation_minutes() * 60)


def code_for(session: LiveSession, window: int) -> str:
    """The session's code for one time window: an HMAC of the session and the window."""
    digest = hmac.new(
        session.check_in_secret.encode(), f"{session.pk}:{window}".encode(), hashlib.sha256
    ).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:CODE_LENGTH])


def check_in_open(session: LiveSession, now) -> bool:
    opens = session.starts_at - timedelta(minutes=opens_before_minutes())
    return opens <= now < session.ends_at


def current_code(session: LiveSession, now=None) -> tuple[str, int]:
    """The code to show now, and the seconds until it changes."""
    now = now or timezone.now()
    window = window_at(now)
    period = rotation_minutes() * 60
    return code_for(session, window), period - int(now.timestamp()) % period


def device_digest(device_token: str) -> str:
    """The keyed digest kept of a device's check-in cookie (the cookie itself never is)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"live-device:{device_token}".encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def check_in(*, learner, session_id: int, code: str, device_token: str, now=None) -> CheckIn:
    """Record that the learner typed the current code (or the one just before it, for a
    slow typist) while check-in is open. A device checks in one person per session."""
    now = now or timezone.now()
    session = permissions.sessions_for_learner(learner).filter(pk=session_id).first()
    if session is None:
        raise NotFoundError(_("We could not find that session."))
    session = LiveSession.objects.select_for_update().get(pk=session.pk)
    if SignedRegister.objects.filter(session=session).exists():
        raise LiveError(_("The register for this session is signed; check-in has closed."))
    if not check_in_open(session, now):
        raise LiveError(
            _("Check-in is open from %(m)s minutes before the session until it ends.")
            % {"m": opens_before_minutes()},
            fields={"code": [_("This session is not open for check-in now.")]},
        )
    typed = "".join(code.split()).upper()
    window = window_at(now)
    matched = next((w for w in (window, window - 1) if code_for(session, w) == typed), None)
    if matched is None:
        raise LiveError(
            _("That code is not the current one. Type the code on the trainer's screen now."),
            fields={"code": [_("That code is not the current one.")]},
        )
    existing = CheckIn.objects.filter(session=session, learner=learner).first()
    if existing:
        return existing
    device = device_digest(device_token)
    if CheckIn.objects.filter(session=session, device=device).exists():
        raise LiveError(
            _("This code was already used on this device by another person."),
            fields={"code": [_("Already used on this device by another person.")]},
        )
    check = CheckIn.objects.create(session=session, learner=learner, window=matched, device=device)
    record_event(actor=learner, action="live.checked_in", obj=session, after={"window": matched})
    return check


def _minutes(session, status, minutes, field, problems) -> int:
    if status == Status.PRESENT:
        return session.minutes
    if status == Status.ABSENT:
        return 0
    if minutes is None:
        problems.add(_("Give the minutes this learner was present."), field)
        return 0
    if minutes > session.minutes:
        problems.add(
            _("More than the session's length (%(m)s minutes).") % {"m": session.minutes}, field
        )
    return minutes


def _locked_session(trainer, session_id) -> LiveSession:
    session = permissions.sessions_managed_by(trainer).filter(pk=session_id).first()
    if session is None:
        raise NotFoundError(_("We could not find that session."))
    return LiveSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def sign_register(*, trainer, session_id: int, rows: dict, now=None) -> SignedRegister:
    """Sign the register: `rows` maps learner id to (status, minutes present or None,
    note). Every learner given must be a learner of the session; minutes are needed for
    late and left early and may not exceed the session. Refused, with nothing saved, if the
    register is already signed or the session has not started."""
    now = now or timezone.now()
    session = _locked_session(trainer, session_id)
    if SignedRegister.objects.filter(session=session).exists():
        raise RegisterLockedError(
            _("This register is signed and locked. Record a correction for one learner instead.")
        )
    if session.starts_at > now:
        raise LiveError(_("The register opens when the session starts."))
    problems = Problems()
    allowed = set(permissions.learners_of(session).values_list("pk", flat=True))
    records = []
    for learner_id, (status, minutes, note) in rows.items():
        if learner_id not in allowed:
            problems.add(_("This person is not enrolled in this session."), f"status-{learner_id}")
            continue
        if status not in Status.values:
            problems.add(_("Choose present, late, left early or absent."), f"status-{learner_id}")
            continue
        present = _minutes(session, status, minutes, f"minutes-{learner_id}", problems)
        records.append(
            Attendance(
                session=session,
                learner_id=learner_id,
                status=status,
                minutes_present=present,
                credited_minutes=credit.credited_minutes(
                    minutes_present=present, session_minutes=session.minutes
                ),
                note=(note or "").strip(),
                signed_by=trainer,
                signed_at=now,
            )
        )
    if not rows:
        problems.add(_("The register has nobody on it."))
    problems.raise_as(LiveError)
    checked = set(session.check_ins.values_list("learner_id", flat=True))
    for record in records:
        record.checked_in = record.learner_id in checked
    Attendance.objects.bulk_create(records)
    register = SignedRegister.objects.create(session=session, signed_by=trainer, signed_at=now)
    enqueue_task(COMPLETE_TASK, session.pk)
    record_event(
        actor=trainer,
        action="live.register_signed",
        obj=session,
        after={
            "learners": len(records),
            "present": sum(1 for r in records if r.status != Status.ABSENT),
        },
    )
    return register


def _new_record(*, trainer, session, learner_id, status, minutes, note, now, **extra):
    problems = Problems()
    present = _minutes(session, status, minutes, "minutes_present", problems)
    problems.raise_as(LiveError)
    return Attendance.objects.create(
        session=session,
        learner_id=learner_id,
        status=status,
        minutes_present=present,
        credited_minutes=credit.credited_minutes(
            minutes_present=present, session_minutes=session.minutes
        ),
        note=(note or "").strip(),
        signed_by=trainer,
        signed_at=now,
        **extra,
    )


@transaction.atomic
def correct_attendance(
    *, trainer, attendance_id: int, status: str, minutes_present, note="", now=None
) -> Attendance:
    """A signed correction: a new record that replaces one current record of a session the
    trainer manages. The replaced record stays, unchanged."""
    now = now or timezone.now()
    old = (
        Attendance.objects.select_for_update()
        .filter(pk=attendance_id, session__in=permissions.sessions_managed_by(trainer))
        .first()
    )
    if old is None:
        raise NotFoundError(_("We could not find that attendance record."))
    if Attendance.objects.filter(corrects=old).exists():
        raise RegisterLockedError(_("This record has already been corrected."))
    try:
        with transaction.atomic():
            new = _new_record(
                trainer=trainer,
                session=old.session,
                learner_id=old.learner_id,
                status=status,
                minutes=minutes_present,
                note=note,
                now=now,
                makeup_for=old.makeup_for,
                corrects=old,
            )
    except IntegrityError as error:  # two corrections at once: the second loses
        raise RegisterLockedError(_("This record has already been corrected.")) from error
    record_event(
        actor=trainer,
        action="live.attendance_corrected",
        obj=new,
        before={"status": old.status, "minutes": old.minutes_present},
        after={"status": new.status, "minutes": new.minutes_present, "corrects": old.pk},
    )
    enqueue_task(COMPLETE_TASK, new.session_id, new.learner_id)
    return new


@transaction.atomic
def record_makeup(
    *,
    trainer,
    session_id: int,
    learner_id: int,
    missed_session_id: int,
    status: str,
    minutes_present,
    note="",
    now=None,
) -> Attendance:
    """Signed attendance at this session as a make-up for a missed one that delivers the
    same course and module, for a learner of the missed session."""
    now = now or timezone.now()
    session = _locked_session(trainer, session_id)
    if session.starts_at > now:
        raise LiveError(_("Attendance is recorded once the session has started."))
    problems = Problems()
    missed = (
        LiveSession.objects.filter(
            pk=missed_session_id,
            organisation=session.organisation_id,
            course=session.course_id,
            module=session.module_id,
            ends_at__lte=session.starts_at,
        )
        .exclude(pk=session.pk)
        .first()
    )
    if missed is None:
        problems.add(_("Choose an earlier session that delivers the same content."), "missed")
        problems.raise_as(LiveError)
    if not permissions.learners_of(missed).filter(pk=learner_id).exists():
        problems.add(_("This person is not enrolled in the missed session."), "learner")
    elif missed.pk in credit.attended(learner_id, [missed]):
        problems.add(_("This learner already attended that session."), "missed")
    if Attendance.objects.current().filter(session=session, learner_id=learner_id).exists():
        problems.add(_("Attendance at this session is already recorded for them."), "learner")
    elif places.is_full(session):
        problems.add(
            _("This session is full (%(capacity)s places). Record the make-up at another one.")
            % {"capacity": session.capacity},
            "learner",
        )
    problems.raise_as(LiveError)
    record = _new_record(
        trainer=trainer,
        session=session,
        learner_id=learner_id,
        status=status,
        minutes=minutes_present,
        note=note,
        now=now,
        makeup_for=missed,
    )
    record_event(
        actor=trainer,
        action="live.makeup_recorded",
        obj=record,
        after={"session": session.pk, "makeup_for": missed.pk, "status": status},
    )
    enqueue_task(COMPLETE_TASK, session.pk, learner_id)
    return record


def complete_courses(*, session_id: int, learner_id: int | None = None) -> int:
    """After signed attendance (a register, a correction or a make-up): complete the
    session's course for each learner of it (or the one given) for whom this attendance was
    the last thing missing. Runs in the background so that signing a register costs the same
    queries for five learners or thirty. Returns how many courses this completed."""
    session = LiveSession.objects.filter(pk=session_id).only("course_id").first()
    if session is None:
        return 0
    learner_ids = Attendance.objects.current().filter(session_id=session_id)
    if learner_id is not None:
        learner_ids = learner_ids.filter(learner_id=learner_id)
    waiting = (
        Enrolment.objects.filter(
            course_id=session.course_id,
            completed_at__isnull=True,
            user_id__in=learner_ids.values("learner_id"),
        )
        .select_related("user", "course")
        .order_by("pk")
    )
    return sum(
        refresh_course_completion(user=enrolment.user, course=enrolment.course)
        for enrolment in waiting
    )
