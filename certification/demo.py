"""Demo data for certification: the frameworks and the demo courses' alignments."""

from courses.demo import COURSE_ORDER, load_course
from courses.models import CoursePage

from . import services


def seed_frameworks() -> None:
    """Load the frameworks file and align each demo course as its YAML says. Idempotent."""
    services.load_frameworks()
    for slug in COURSE_ORDER:
        course = CoursePage.objects.filter(slug=slug).first()
        if course is not None:
            services.align_course(course=course, keys=load_course(slug).get("alignment", []))


DEMO_DESCRIPTIONS = [
    (
        "one_to_one",
        "community",
        120,
        "Met a person at the café to plan their first week back at college; "
        "shared how I managed my own first term, then handed back to their plan.",
    ),
    (
        "group",
        "recovery_community_organisation",
        90,
        "Co-facilitated the Tuesday mutual-aid group on handling the "
        "holidays; kept time and checked in with two quieter members afterwards.",
    ),
    (
        "advocacy_linkage",
        "housing",
        150,
        "Went with a person to a housing office appointment and "
        "helped them ask their own questions about the waiting list.",
    ),
    (
        "documentation",
        "recovery_community_organisation",
        60,
        "Wrote up contact notes for the week in the "
        "service's system, using the agreed de-identified format.",
    ),
    (
        "outreach",
        "community",
        180,
        "Outreach shift with the street team: offered "
        "information on the drop-in and naloxone training, no names taken.",
    ),
    (
        "one_to_one",
        "online",
        60,
        "Video call with a person who had missed two sessions; we talked "
        "about what was getting in the way and agreed a smaller next step.",
    ),
    (
        "training",
        "recovery_community_organisation",
        120,
        "Attended the host's safeguarding refresher "
        "and the debrief on the updated referral pathway.",
    ),
    (
        "group",
        "recovery_community_organisation",
        120,
        "Ran the creative recovery group; set up the "
        "room, led the opening round, and closed with grounding.",
    ),
    (
        "one_to_one",
        "emergency_department",
        150,
        "On call in the emergency department peer pilot: sat with a "
        "person waiting for assessment and explained what happens next.",
    ),
    (
        "advocacy_linkage",
        "justice",
        120,
        "Supported a person at a probation appointment as agreed with "
        "them beforehand; stayed in the waiting area for the meeting itself.",
    ),
]


def seed_practicum():
    """The demo trainee's placement at Harbour Lights: the agreement accepted, about forty
    hours of entries (approved, waiting, returned and a draft), two supervision sessions
    and one competency signed off. Idempotent: nothing is added once the placement exists."""
    from datetime import time, timedelta

    from django.utils import timezone

    from lms.accounts.models import Organisation, User

    from .models import ActivityType, Competency, Domain, Placement

    trainee = User.objects.get(email="trainee@peerpath.example")
    supervisor = User.objects.get(email="supervisor@peerpath.example")
    host = Organisation.objects.get(slug="harbour-lights")
    if Placement.objects.filter(trainee=trainee, host=host).exists():
        return
    today = timezone.localdate()
    placement = services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification="Certified Peer Recovery Specialist; clinical supervision certificate",
        qualification_expires=today + timedelta(days=400),
        starts_on=today - timedelta(days=70),
        ends_on=today + timedelta(days=40),
    )
    services.accept_agreement(placement_id=placement.pk, user=trainee)
    services.accept_agreement(placement_id=placement.pk, user=supervisor)
    activities = {a.code: a for a in ActivityType.objects.all()}
    domains = {d.code: d for d in Domain.objects.filter(framework__slug="icrc-pr")}
    domain_for = {
        "one_to_one": ["mentoring", "recovery"],
        "group": ["mentoring"],
        "advocacy_linkage": ["advocacy"],
        "outreach": ["advocacy", "recovery"],
        "documentation": ["ethics"],
        "training": ["ethics"],
    }
    entries = []
    # Two or three entries a week over nine weeks, oldest first.
    for index in range(24):
        activity, setting, minutes, text = DEMO_DESCRIPTIONS[index % len(DEMO_DESCRIPTIONS)]
        day = today - timedelta(days=66 - index * 2 - index // 3)
        entries.append(
            services.save_entry(
                trainee=trainee,
                placement_id=placement.pk,
                date=day,
                start_time=time(10 if index % 2 else 13, 0),
                minutes=minutes - (30 if index % 4 == 3 else 0),
                setting=setting,
                activity=activities[activity],
                description=text,
                domains=[domains[c] for c in domain_for[activity] if c in domains],
            )
        )
    approved, pending, returned, draft = entries[:17], entries[17:21], entries[21:23], entries[23:]
    services.submit_entries(
        trainee=trainee, entry_ids=[e.pk for e in approved + pending + returned]
    )
    services.approve_entries(supervisor=supervisor, entry_ids=[e.pk for e in approved])
    services.return_entries(
        supervisor=supervisor,
        entry_ids=[e.pk for e in returned],
        comment="Please add which domain this relates to, "
        "and check the start time against the rota.",
    )
    del draft  # stays a draft, as a trainee's unfinished entry would
    for kind, days_ago, minutes, notes in (
        ("individual", 42, 60, "Reviewed the first month. Talked about saying no to extra shifts."),
        ("group", 14, 90, "Group supervision with the café team on sharing your story on purpose."),
    ):
        services.record_session(
            supervisor=supervisor,
            placement_id=placement.pk,
            kind=kind,
            date=today - timedelta(days=days_ago),
            start_time=time(16, 0),
            minutes=minutes,
            private_notes=notes,
        )
    competencies = {
        f"{c.domain.framework.slug}/{c.code}": c
        for c in Competency.objects.select_related("domain__framework").filter(
            domain__framework__slug="samhsa-pw-2015"
        )
    }
    signed = services.request_signoff(
        trainee=trainee,
        placement_id=placement.pk,
        competency_id=competencies["samhsa-pw-2015/III.3"].pk,
        account="In the Tuesday group I noticed a member going quiet after a hard share, checked "
        "in with them afterwards, and used my own story briefly to show that setbacks pass.",
    )
    services.rate_signoff(
        supervisor=supervisor,
        request_id=signed.pk,
        rating="competent",
        comment="Well judged: brief, on purpose, and the focus went straight back to them.",
    )
    services.request_signoff(
        trainee=trainee,
        placement_id=placement.pk,
        competency_id=competencies["samhsa-pw-2015/IX.5"].pk,
        account="A friend of someone in the group asked me how they were doing. I said I could "
        "not share anything from group, offered to pass on a message, and told my supervisor.",
    )
