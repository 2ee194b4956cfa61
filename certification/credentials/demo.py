"""Demo data for certification: the frameworks and the demo courses' alignments."""

from django.core.files.images import ImageFile
from django.http import QueryDict
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection

from certification.practicum.models import ActivityType, Placement
from certification.practicum.services import practicum as practicum_services
from certification.practicum.services import supervision as supervision_services
from certification.standards.models import Competency, Domain
from certification.standards.services import frameworks as standards_services
from courses import services as course_services
from courses.demo import COURSE_ORDER, load_course
from courses.models import Attempt, CoursePage, LessonPage, QuizPage, Response, snapshot_class
from lms.accounts.demo import DEMO_PASSWORD
from lms.accounts.models import Membership, Organisation, User

from . import openbadges
from .models import Certificate, CertificateSignatory, CertificateTemplate
from .openbadges.exceptions import SigningKeyNotConfiguredError
from .services import certificates as certificate_services
from .services import course_certificates
from .services import credentials as credential_services
from .services import loading as loading_services


def seed_frameworks() -> None:
    """Load the frameworks file and align each demo course as its YAML says. Idempotent."""
    loading_services.load_frameworks()
    for slug in COURSE_ORDER:
        course = CoursePage.objects.filter(slug=slug).first()
        if course is not None:
            standards_services.align_course(
                course=course, keys=load_course(slug).get("alignment", [])
            )


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

    trainee = User.objects.get(email="trainee@peerpath.example")
    supervisor = User.objects.get(email="supervisor@peerpath.example")
    host = Organisation.objects.get(slug="harbour-lights")
    if Placement.objects.filter(trainee=trainee, host=host).exists():
        return
    today = timezone.localdate()
    placement = practicum_services.create_placement(
        trainee=trainee,
        host=host,
        supervisor=supervisor,
        qualification="Certified Peer Recovery Specialist; clinical supervision certificate",
        qualification_expires=today + timedelta(days=400),
        starts_on=today - timedelta(days=70),
        ends_on=today + timedelta(days=40),
    )
    practicum_services.accept_agreement(placement_id=placement.pk, user=trainee)
    practicum_services.accept_agreement(placement_id=placement.pk, user=supervisor)
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
            practicum_services.save_entry(
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
    practicum_services.submit_entries(
        trainee=trainee, entry_ids=[e.pk for e in approved + pending + returned]
    )
    practicum_services.approve_entries(supervisor=supervisor, entry_ids=[e.pk for e in approved])
    practicum_services.return_entries(
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
        supervision_services.record_session(
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
    signed = supervision_services.request_signoff(
        trainee=trainee,
        placement_id=placement.pk,
        competency_id=competencies["samhsa-pw-2015/III.3"].pk,
        account="In the Tuesday group I noticed a member going quiet after a hard share, checked "
        "in with them afterwards, and used my own story briefly to show that setbacks pass.",
    )
    supervision_services.rate_signoff(
        supervisor=supervisor,
        request_id=signed.pk,
        rating="competent",
        comment="Well judged: brief, on purpose, and the focus went straight back to them.",
    )
    supervision_services.request_signoff(
        trainee=trainee,
        placement_id=placement.pk,
        competency_id=competencies["samhsa-pw-2015/IX.5"].pk,
        account="A friend of someone in the group asked me how they were doing. I said I could "
        "not share anything from group, offered to pass on a message, and told my supervisor.",
    )


# The demo graduate: every requirement of peer-foundations met, and a certificate issued.

GRADUATE = {
    "email": "graduate@peerpath.example",
    "legal_name": "Amara Grace Okoye",
    "preferred_name": "Amara",
    "pronouns": "she/her",
}


# The graduate's text for every written part (written responses and the reasons for choices).
DEMO_WRITTEN_ANSWER = (
    "I would name the boundary kindly and clearly, explain why it protects both of "
    "us, offer what I can do instead, keep the person's choice at the centre, and take it "
    "to supervision."
)


def _correct_form(attempt):
    """The answers a learner who knows every answer would send, as form data."""
    data = QueryDict(mutable=True)
    for position, item in enumerate(attempt.items):
        snapshot, order = item["snapshot"], item.get("order") or {}
        cls = snapshot_class(snapshot)
        key = cls.answer_key(snapshot, order, written=DEMO_WRITTEN_ANSWER)
        for name, value in cls.form_fields(key, f"q{position}"):
            data.appendlist(name, value)
    return data


def _pass_quiz(user, quiz, marker):
    attempt = course_services.start_attempt(user=user, quiz=quiz)
    form = _correct_form(attempt)
    payloads = {
        position: snapshot_class(item["snapshot"]).payload_from_form(form, f"q{position}")
        for position, item in enumerate(attempt.items)
    }
    course_services.save_answers(user=user, key=attempt.key, payloads=payloads)
    attempt = course_services.submit_attempt(user=user, key=attempt.key)
    if attempt.status == Attempt.Status.AWAITING_MARKING:
        for response in Response.objects.filter(attempt=attempt, needs_marking=True):
            rubric = attempt.items[response.position]["snapshot"].get("rubric") or []
            best = [
                max(range(len(c["levels"])), key=lambda i, c=c: c["levels"][i]["points"])
                for c in rubric
            ]
            course_services.mark_response(
                marker=marker, response_id=response.pk, levels=best, feedback="Clear and safe."
            )
        course_services.release_results(attempt_id=attempt.pk)


def ensure_signing_key():
    """A signing key for the demo's Open Badges credentials, in the keys directory, unless a
    key is configured in the environment."""
    try:
        openbadges.current_signing_key()
    except SigningKeyNotConfiguredError:
        openbadges.rotate_signing_key()


def seed_graduate(*, before_issue=None):
    """A trainee who has met every requirement of peer-foundations (four courses with every
    quiz passed, 80 practicum hours, supervision, three competencies, the code of ethics)
    and holds an issued certificate. Idempotent: nothing is added once they hold it.
    Returns (login label, email) for the printout."""
    from datetime import time, timedelta

    login = ("Graduate (holds a certificate)", GRADUATE["email"])
    graduate = User.objects.filter(email=GRADUATE["email"]).first()
    if graduate is not None and Certificate.objects.filter(trainee=graduate).exists():
        return login
    if graduate is None:
        graduate = User.objects.create_user(
            email=GRADUATE["email"],
            password=DEMO_PASSWORD,
            legal_name=GRADUATE["legal_name"],
            preferred_name=GRADUATE["preferred_name"],
            pronouns=GRADUATE["pronouns"],
        )
    provider = Organisation.objects.get(slug="northside-recovery-college")
    Membership.objects.get_or_create(
        user=graduate, organisation=provider, role=Membership.Role.TRAINEE
    )
    trainer = User.objects.get(email="trainer@peerpath.example")
    supervisor = User.objects.get(email="supervisor@peerpath.example")
    host = Organisation.objects.get(slug="harbour-lights")
    seed_certificate_design()

    for slug in COURSE_ORDER:
        course = CoursePage.objects.get(slug=slug)
        course_services.enrol_learner(user=graduate, course=course)
        for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
            course_services.complete_lesson(user=graduate, lesson=lesson)
        for quiz in (
            QuizPage.objects.live()
            .descendant_of(course)
            .filter(required_for_completion=True)
            .order_by("path")
        ):
            _pass_quiz(graduate, quiz, trainer)

    today = timezone.localdate()
    placement = practicum_services.create_placement(
        trainee=graduate,
        host=host,
        supervisor=supervisor,
        qualification="Certified Peer Recovery Specialist; clinical supervision certificate",
        qualification_expires=today + timedelta(days=400),
        starts_on=today - timedelta(days=150),
        ends_on=today + timedelta(days=10),
    )
    practicum_services.accept_agreement(placement_id=placement.pk, user=graduate)
    practicum_services.accept_agreement(placement_id=placement.pk, user=supervisor)
    activities = {a.code: a for a in ActivityType.objects.all()}
    recovery = Domain.objects.get(framework__slug="icrc-pr", code="recovery")
    plan = [("one_to_one", 240), ("group", 180), ("documentation", 120)] * 9 + [
        ("one_to_one", 240),
        ("outreach", 180),
    ]
    entries = []
    for index, (activity, minutes) in enumerate(plan):
        entries.append(
            practicum_services.save_entry(
                trainee=graduate,
                placement_id=placement.pk,
                date=today - timedelta(days=140 - index * 4),
                start_time=time(10, 0),
                minutes=minutes,
                setting="community",
                activity=activities[activity],
                description="Peer support at the café drop-in, as agreed with the team.",
                domains=[recovery],
            )
        )
    practicum_services.submit_entries(trainee=graduate, entry_ids=[e.pk for e in entries])
    practicum_services.approve_entries(supervisor=supervisor, entry_ids=[e.pk for e in entries])
    for days_ago in (120, 90, 60, 30):
        supervision_services.record_session(
            supervisor=supervisor,
            placement_id=placement.pk,
            kind="individual",
            date=today - timedelta(days=days_ago),
            start_time=time(16, 0),
            minutes=60,
            private_notes="Monthly supervision.",
        )
    for key in ("III.3", "IX.5", "XII.2"):
        competency = Competency.objects.get(domain__framework__slug="samhsa-pw-2015", code=key)
        request = supervision_services.request_signoff(
            trainee=graduate,
            placement_id=placement.pk,
            competency_id=competency.pk,
            account="Seen in the weekly group and in one-to-one sessions at the café.",
        )
        supervision_services.rate_signoff(
            supervisor=supervisor,
            request_id=request.pk,
            rating="competent",
            comment="Consistently shown on placement.",
        )
    credential_services.attest(trainee=graduate, code="code_of_ethics")
    credential_services.confirm_certificate_name(user=graduate, name=GRADUATE["legal_name"])
    if before_issue is not None:  # other apps' part of the record (training hours)
        before_issue(graduate)
    # Issue now, in this transaction, so the code can be printed whether or not a worker is
    # running; the PDF is rendered on commit (in-process without a broker).
    certificate_services.issue_certificate(trainee=graduate, credential_code="peer-foundations")
    # And a certificate of completion for each course, with its approved contact hours.
    for slug in COURSE_ORDER:
        course_certificates.issue_course_certificate(
            trainee=graduate, course_id=CoursePage.objects.get(slug=slug).pk
        )
    return login


def seed_certificate_design():
    """The demo certificate design, Northside's, with two signatories. Idempotent."""
    design = CertificateTemplate.objects.filter(name="Northside Recovery College").first()
    if design is not None:
        return design
    design = CertificateTemplate(
        name="Northside Recovery College",
        issuing_organisation="Northside Recovery College",
        heading="Certificate",
        intro="This certifies that",
        body="has met every requirement of the",
        is_default=not CertificateTemplate.objects.filter(is_default=True).exists(),
    )
    design.save()
    for order, (name, role) in enumerate(
        (("Dr Helen Okafor", "Director of Learning"), ("Priya Natarajan", "Lead Trainer"))
    ):
        CertificateSignatory.objects.create(
            template=design,
            name=name,
            role=role,
            signature=_signature_image(name),
            sort_order=order,
        )
    return design


def _signature_image(name: str):
    """A drawn signature-like stroke for the demo (a real one is an uploaded scan)."""
    import io
    import math

    from PIL import Image as PILImage
    from PIL import ImageDraw

    Image = get_image_model()
    # A flushed test database can lack Wagtail's root collection, which images belong to.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    title = f"Demo signature: {name}"
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    width, height = 600, 160
    canvas = PILImage.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(canvas)
    seed = sum(map(ord, name))
    points = []
    for step in range(220):
        x = 30 + step * 2.4
        y = 85 + 38 * math.sin(step / (6 + seed % 5)) * math.cos(step / (17 + seed % 7))
        points.append((x, y))
    draw.line(points, fill=(24, 38, 66, 255), width=5, joint="curve")
    draw.line([(60, 130), (520, 118)], fill=(24, 38, 66, 255), width=3)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    slug = name.lower().replace(" ", "-").replace(".", "")
    image = Image(title=title, file=ImageFile(buffer, name=f"signature-{slug}.png"))
    image.save()
    return image


# A minimal one-page PDF standing in for a board's score report (the demo has no real one).
DEMO_SCORE_REPORT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 59>>stream\nBT /F1 18 Tf 72 760 Td (Demo score report: 562, pass) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_CE_TITLE = "Boundaries and dual relationships: an ethics refresher"


def seed_exam_and_ce():
    """The demo graduate's IC&RC Peer Recovery exam pass (recorded by the demo registrar
    from a score report), and a continuing-education record of theirs waiting in the
    registrars' review queue. Idempotent."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.exams import services as exam_services
    from certification.exams.models import ExamResult

    from .models import ContinuingEducation
    from .services import renewal as renewal_services

    graduate = User.objects.filter(email=GRADUATE["email"]).first()
    registrar = User.objects.filter(email="registrar@peerpath.example").first()
    if graduate is None or registrar is None:
        return
    today = timezone.localdate()
    if not ExamResult.objects.filter(trainee=graduate).exists():
        exam_services.record_exam_result(
            registrar=registrar,
            trainee=graduate,
            exam_key="icrc-pr",
            taken_on=today - timedelta(days=1),
            outcome=ExamResult.Outcome.PASS,
            scaled_score=562,
            evidence_file=SimpleUploadedFile(
                "score-report.pdf", DEMO_SCORE_REPORT, content_type="application/pdf"
            ),
        )
    if not ContinuingEducation.objects.filter(holder=graduate, title=DEMO_CE_TITLE).exists():
        renewal_services.add_ce_record(
            holder=graduate,
            title=DEMO_CE_TITLE,
            provider="Riverside Community Health Trust",
            topic="ethics",
            hours=3,
            completed_on=today,
            evidence_text="Certificate of attendance RCHT-2026-114",
        )
