"""Demo live sessions for the Northside spring cohort: past sessions with signed registers
(one learner left early and is credited part of the hours; one missed a required session
and made it up at a repeat), and two upcoming sessions. Idempotent."""

from datetime import time, timedelta

from django.utils import timezone

from courses.models import Cohort, ModulePage

from .models import LiveSession
from .services import attendance, scheduling

ETHICS = "icrc-pr/ethics"
MENTORING = "icrc-pr/mentoring"


def _session(cohort, *, title, days, module, hour=10, **extra):
    date = timezone.localdate() + timedelta(days=days)
    fields = {
        "mode": "in_person",
        "place": "Northside Recovery College, Room 2",
        "minutes": 120,
        "hours_by_domain": {ETHICS: "1.50", MENTORING: "0.50"},
        "capacity": 12,  # Room 2 seats twelve
    }
    fields.update(extra)
    return scheduling.schedule_session(
        trainer=cohort.trainer,
        title=title,
        cohort_id=cohort.pk,
        course_id=cohort.course_id,
        module_id=module.pk if module else None,
        date=date,
        start_time=time(hour, 0),
        **fields,
    )


def seed_live() -> list[LiveSession]:
    cohort = Cohort.objects.filter(name="Northside spring cohort").first()
    if cohort is None or LiveSession.objects.filter(cohort=cohort).exists():
        return []
    modules = list(ModulePage.objects.child_of(cohort.course).order_by("path")[:2])
    first, second = (modules + [None, None])[:2]
    learners = list(cohort.learners.order_by("pk"))
    partial, missed_it = learners[1], learners[2]
    now = timezone.now()

    kickoff = _session(
        cohort, title="Boundaries in practice", days=-14, module=first, required=True
    )
    rows = {p.pk: ("present", None, "") for p in learners}
    rows[partial.pk] = ("left_early", 80, "")
    rows[missed_it.pk] = ("absent", None, "")
    attendance.sign_register(trainer=cohort.trainer, session_id=kickoff.pk, rows=rows, now=now)

    repeat = _session(
        cohort, title="Boundaries in practice (repeat)", days=-7, module=first, hour=14
    )
    attendance.record_makeup(
        trainer=cohort.trainer,
        session_id=repeat.pk,
        learner_id=missed_it.pk,
        missed_session_id=kickoff.pk,
        status="present",
        minutes_present=None,
        now=now,
    )

    roles = _session(cohort, title="Roles and limits", days=-3, module=second)
    attendance.sign_register(
        trainer=cohort.trainer,
        session_id=roles.pk,
        rows={p.pk: ("present", None, "") for p in learners},
        now=now,
    )
    upcoming = [
        _session(
            cohort,
            title="Ending well: closing peer relationships",
            days=2,
            module=second,
            mode="live_online",
            place="",
            meeting_link="https://meet.example.org/northside-spring",
            required=True,
        ),
        _session(cohort, title="Practice lab: hard conversations", days=9, module=second),
    ]
    return [kickoff, repeat, roles, *upcoming]
