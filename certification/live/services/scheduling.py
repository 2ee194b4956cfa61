"""Scheduling sessions: who for, when, where, what they deliver and the contact hours they
carry. Refuses overlaps for the trainer or the cohort, with nothing saved."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.standards.models import Domain
from courses.models import CoursePage, ModulePage
from lms.audit.services.events import record_event
from lms.exceptions import Problems
from lms.hours import to_hours

from .. import permissions
from ..exceptions import LiveError
from ..models import LiveSession
from . import places

MAX_MINUTES = 8 * 60


def parse_hours_by_domain(text: str) -> dict[str, str]:
    """'icrc-pr/ethics: 1.5' lines into {key: hours}; raises ValueError with a message."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, sep, value = line.rpartition(":")
        try:
            hours = Decimal(value.strip())
        except InvalidOperation:
            hours = None
        if not sep or hours is None or hours <= 0:
            raise ValueError(
                _("Line %(n)s: write one domain a line, as 'framework/code: hours'.")
                % {"n": number}
            )
        found[key.strip()] = str(to_hours(hours))
    return found


def unknown_domains(keys) -> list[str]:
    """Of these "framework/code" keys, those naming no current domain (one query)."""
    keys = set(keys)
    if not keys:
        return []
    slugs = {k.partition("/")[0] for k in keys}
    known = {
        d.key
        for d in Domain.objects.select_related("framework").filter(
            framework__slug__in=slugs, retired=False
        )
    }
    return sorted(keys - known)


def _overlap(queryset, starts_at, ends_at):
    return queryset.overlapping(starts_at, ends_at).order_by("starts_at").first()


@transaction.atomic
def schedule_session(
    *,
    trainer,
    title: str,
    cohort_id: int | None,
    course_id: int,
    module_id: int | None,
    date,
    start_time,
    minutes: int,
    mode: str,
    place: str = "",
    meeting_link: str = "",
    hours_by_domain: dict | None = None,
    required: bool = False,
    capacity: int | None = None,
) -> LiveSession:
    """Schedule a session for one of the trainer's cohorts (or, with no cohort, for the
    learners of a course they teach, at the provider they teach it for). Each problem is
    refused at its field; nothing is saved unless all is well."""
    problems = Problems()
    hours_by_domain = hours_by_domain or {}
    cohorts = permissions.cohorts_for_scheduling(trainer).select_related("course")
    cohort = None
    if cohort_id:
        cohort = cohorts.filter(pk=cohort_id).first()
        if cohort is None:
            problems.add(_("Choose one of your cohorts."), "cohort")
            problems.raise_as(LiveError)
        course_id = cohort.course_id
        organisation_id = cohort.organisation_id
    else:
        teaching = cohorts.filter(course_id=course_id).order_by("pk").first()
        if teaching is None:
            problems.add(_("Choose a course you teach a cohort of."), "delivers")
            problems.raise_as(LiveError)
        organisation_id = teaching.organisation_id
    course = CoursePage.objects.filter(pk=course_id).first()
    module = None
    if module_id:
        module = ModulePage.objects.child_of(course).filter(pk=module_id).first()
        if module is None:
            problems.add(_("That module is not part of the cohort's course."), "delivers")
    if not 1 <= minutes <= MAX_MINUTES:
        problems.add(_("A session lasts between 1 minute and 8 hours."), "minutes")
    if mode == LiveSession.Mode.IN_PERSON and not place.strip():
        problems.add(_("Say where the session takes place."), "place")
    if mode == LiveSession.Mode.ONLINE and not meeting_link.strip():
        problems.add(_("Give the meeting link learners join with."), "meeting_link")
    unknown = unknown_domains(hours_by_domain)
    if unknown:
        problems.add(
            _("No such domain: %(keys)s. Use keys such as icrc-pr/ethics.")
            % {"keys": ", ".join(unknown)},
            "hours_by_domain",
        )
    total = sum((Decimal(h) for h in hours_by_domain.values()), Decimal(0))
    if total * 60 > minutes:
        problems.add(
            _("The contact hours (%(total)s h) are more than the session's length.")
            % {"total": total},
            "hours_by_domain",
        )
    if capacity is not None and capacity < 1:
        problems.add(_("A session holds at least one person, or leave it empty."), "capacity")
    elif capacity is not None and cohort is not None:
        # A cohort comes as a whole. An open session is a drop-in for everyone on the
        # course: not all of them come, so its capacity is shown against them, not refused.
        coming = places.expected(
            cohort_id=cohort.pk if cohort else None,
            course_id=course_id,
            organisation_id=organisation_id,
        )
        if coming > capacity:
            problems.add(
                _(
                    "%(count)s learners would be invited and the session holds %(capacity)s. "
                    "Raise the capacity, or schedule the session twice."
                )
                % {"count": coming, "capacity": capacity},
                "capacity",
            )
    problems.raise_as(LiveError)

    starts_at = timezone.make_aware(datetime.combine(date, start_time))
    ends_at = starts_at + timedelta(minutes=minutes)
    # Serialise scheduling for this trainer so two requests cannot both pass the check.
    get_user_model().objects.select_for_update().filter(pk=trainer.pk).first()
    clash = _overlap(LiveSession.objects.filter(trainer=trainer), starts_at, ends_at)
    if clash:
        problems.add(
            _("You are teaching '%(title)s' then (%(when)s).")
            % {"title": clash.title, "when": timezone.localtime(clash.starts_at).strftime("%H:%M")},
            "start_time",
        )
    if cohort is not None:
        clash = _overlap(LiveSession.objects.filter(cohort=cohort), starts_at, ends_at)
        if clash:
            problems.add(
                _("This cohort already has '%(title)s' then.") % {"title": clash.title},
                "start_time",
            )
    problems.raise_as(LiveError)

    session = LiveSession(
        title=title.strip(),
        course=course,
        module=module,
        cohort=cohort,
        organisation_id=organisation_id,
        trainer=trainer,
        starts_at=starts_at,
        minutes=minutes,
        mode=mode,
        place=place.strip() if mode == LiveSession.Mode.IN_PERSON else "",
        meeting_link=meeting_link.strip() if mode == LiveSession.Mode.ONLINE else "",
        hours_by_domain=hours_by_domain,
        required=required,
        capacity=capacity,
        check_in_secret=secrets.token_hex(32),
    )
    session.full_clean()
    session.save()
    record_event(
        actor=trainer,
        action="live.session_scheduled",
        obj=session,
        after={"starts_at": starts_at.isoformat(), "minutes": minutes, "cohort": cohort_id},
    )
    return session
