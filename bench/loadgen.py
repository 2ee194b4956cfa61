"""Load data for growth benchmarks: `manage.py generate_load_data --scale N` adds N x 1,000
trainees on top of the seeded demo, with what such a population leaves behind: enrolments,
lesson progress, graded quiz attempts (answers, auto-scores and trainer marks), cohorts,
placements with signed practicum entries, issued certificates, and their audit events.

At scale 100: 100,000 trainees, about 1,000,000 lesson-progress rows, 300,000 attempts,
20,000 certificates and 2,000,000 audit events; every figure grows linearly with the scale.

Rows go in with PostgreSQL's COPY (bulk_create elsewhere) in batches, with primary keys taken
from the table's maximum, then each sequence is moved past them. Every trainee's data comes
from a random generator seeded with their number, so trainee 7 has the same enrolments,
progress and attempts at every scale: per-learner pages can be compared across scales.

Two report targets are capped so the same report can be timed at every scale: the first
cohort ("Load cohort 1") has at most 5,000 learners, and the first quiz of Boundaries gets
at most 10,000 attempts. The generated audit events continue the existing hash chain, so
`verify_audit_chain` still passes. Nothing generated is lived-experience text: descriptions
and written answers are fixed neutral sentences.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

TRAINEES_PER_SCALE = 1000
LOAD_DOMAIN = "load.peerpath.example"
COHORT_CAP = 5_000
HOT_QUIZ_CAP = 10_000
ATTEMPTS_PER_TRAINEE = 3
PLACEMENT_SHARE = 0.4  # of trainees
ENTRIES_PER_PLACEMENT = 16
CERTIFICATE_SHARE = 0.02  # of trainees: 20,000 at scale 100
PLACEMENTS_PER_SUPERVISOR = 50
BATCH = 5_000
FIXED_LEARNERS = 10  # trainee0..trainee9: sessions, outside training, board and packet
LIVE_COHORT = "Load live cohort"
LIVE_DAYS = (-12, -8, -4, 3, 5)  # three signed registers, two upcoming repeats
# Most enrol on Boundaries; fewer go on to the others (Ethics needs Boundaries first).
COURSE_TAKE_UP = {
    "boundaries": 1.0,
    "ethics": 0.6,
    "trauma-informed-practice": 0.5,
    "self-care": 0.4,
}

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Eli",
    "Fatima",
    "Grace",
    "Hamza",
    "Ines",
    "Jonah",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Uma",
    "Victor",
    "Wren",
    "Yusuf",
    "Zara",
    "Aiden",
    "Bea",
    "Cal",
    "Dina",
    "Ezra",
]
LAST_NAMES = [
    "Obi",
    "Hale",
    "Martin",
    "Rao",
    "Novak",
    "Khan",
    "Byrne",
    "Ali",
    "Silva",
    "Reid",
    "Mensah",
    "Berg",
    "Ortiz",
    "Shah",
    "Haddad",
    "Patel",
    "Lowe",
    "Costa",
    "Amini",
    "Ward",
    "Iyer",
    "Lund",
    "Moss",
    "Akhtar",
    "Wolfe",
    "Duarte",
    "Quinn",
    "Nash",
    "Egan",
    "Fry",
]
WRITTEN_ANSWER = "Generated answer for load testing: I would follow the agreed policy."
ENTRY_DESCRIPTION = "Generated practicum entry for load testing."


class LoadDataError(Exception):
    """The load data cannot be generated here; the message says why."""


@dataclass
class Plan:
    """How many of each thing a scale asks for."""

    scale: int
    per_scale: int = TRAINEES_PER_SCALE  # smaller only in tests
    trainees: int = 0
    cohort_size: int = 0
    hot_quiz_attempts: int = 0

    def __post_init__(self):
        self.trainees = self.scale * self.per_scale
        self.cohort_size = min(COHORT_CAP, self.trainees)
        self.hot_quiz_attempts = min(HOT_QUIZ_CAP, self.trainees)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, n: int) -> None:
        self.rows[label] = self.rows.get(label, 0) + n


# --- Writing rows fast -------------------------------------------------------------------------


class IdRange:
    """Primary keys handed out from just past the table's current maximum."""

    def __init__(self, model):
        self.model = model
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next = (last or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def _value(field_, obj):
    value = getattr(obj, field_.attname)
    if value is None and (
        getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False)
    ):
        value = field_.pre_save(obj, True)
    return field_.get_db_prep_save(value, connection)


def insert(model, objects: list, counts: Counts | None = None) -> None:
    """Write model instances (primary keys already set) in one COPY on PostgreSQL, or in
    batched bulk_create elsewhere. No signals, no save(): this is for generated data only."""
    if not objects:
        return
    if counts is not None:
        counts.add(model._meta.label, len(objects))
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([_value(f, obj) for f in fields])


def reset_sequences(models_) -> None:
    """Move every sequence past the keys written by hand."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class Batcher:
    """Collects instances per model and writes them BATCH at a time, parents first."""

    def __init__(self, order: list, counts: Counts):
        self.order = order
        self.pending = {model: [] for model in order}
        self.counts = counts

    def add(self, obj) -> None:
        rows = self.pending[type(obj)]
        rows.append(obj)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model in self.order:  # parents before children, for the foreign keys
            insert(model, self.pending[model], self.counts)
            self.pending[model] = []


# --- Answers -----------------------------------------------------------------------------------


def _answer(cls, snapshot: dict, order: dict, rng: random.Random, right: bool):
    """A stored (validated) answer to one item of type `cls`: the key when `right`, else a
    random one."""
    if right:
        return cls.answer_key(snapshot, order, written=WRITTEN_ANSWER)
    return cls.random_answer(snapshot, order, rng, written=WRITTEN_ANSWER)


# --- The generator -----------------------------------------------------------------------------


class Generator:
    def __init__(self, *, scale: int, out=None, per_scale: int = TRAINEES_PER_SCALE):
        self.plan = Plan(scale, per_scale)
        self.counts = Counts()
        self.out = out or (lambda message: None)
        self.now = timezone.now()

    # Demo data this builds on.
    def load_demo(self) -> None:
        from certification.practicum.models import ActivityType
        from certification.standards.models import Credential, CredentialVersion
        from courses.demo import COURSE_ORDER
        from courses.models import CoursePage, LessonPage, QuizPage
        from lms.accounts.models import Organisation, User

        courses = {c.slug: c for c in CoursePage.objects.filter(slug__in=COURSE_ORDER)}
        if len(courses) != len(COURSE_ORDER) or not ActivityType.objects.exists():
            raise LoadDataError(
                "The demo is not seeded here: run `python manage.py seed_demo` first, then "
                "generate the load data on top of it."
            )
        self.courses = [courses[slug] for slug in COURSE_ORDER]
        self.lessons = {
            c.pk: list(LessonPage.objects.live().descendant_of(c).order_by("path").only("pk"))
            for c in self.courses
        }
        self.quizzes = {
            c.pk: list(QuizPage.objects.live().descendant_of(c).order_by("path"))
            for c in self.courses
        }
        self.hot_quiz = self.quizzes[self.courses[0].pk][0]
        self.provider = Organisation.objects.get(slug="northside-recovery-college")
        self.host = Organisation.objects.get(slug="harbour-lights")
        self.trainer = User.objects.get(email="trainer@peerpath.example")
        self.activities = list(ActivityType.objects.filter(counts_as_supervision=False))
        credential = Credential.objects.get(code="peer-foundations")
        self.credential = credential
        self.version = CredentialVersion.objects.filter(credential=credential).order_by("-number")[
            0
        ]

    def check_not_generated(self) -> None:
        from lms.accounts.models import User

        already = User.objects.filter(email__endswith="@" + LOAD_DOMAIN).count()
        if already:
            raise LoadDataError(
                f"Load data is already here ({already:,} generated trainees and staff). It is "
                "generated once per database: start from a fresh one (migrate, seed_demo) to "
                "generate another scale."
            )

    def item_variants(self, quiz, count: int = 6) -> list[list[dict]]:
        """A few frozen item lists per quiz (different shuffles), built by the real service."""
        from courses.services.assessment import _build_items

        return [_build_items(quiz, seed) for seed in range(count)]

    def run(self) -> Counts:
        self.load_demo()
        self.check_not_generated()
        with transaction.atomic():
            self._people()
            self._learning()
            self._attempts()
            self._practicum()
            self._certificates_and_audit()
            self._reset()
            self._fixed_learners()
        return self.counts

    # --- People and cohorts ------------------------------------------------------------------

    def _people(self) -> None:
        from courses.models import Cohort
        from lms.accounts.models import Membership, User

        password = make_password("peerpath-demo")  # one hash for all: hashing is the slow part
        users, members = IdRange(User), IdRange(Membership)
        batch = Batcher([User, Membership], self.counts)
        self.trainee_ids: list[int] = []
        start = self.now - timedelta(days=400)
        for n in range(self.plan.trainees):
            rng = random.Random(n)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            user = User(
                id=users.take(),
                email=f"trainee{n}@{LOAD_DOMAIN}",
                legal_name=f"{first} {last} {n}",
                preferred_name=first if rng.random() < 0.3 else "",
                password=password,
                date_joined=start + timedelta(minutes=n % 500_000),
            )
            self.trainee_ids.append(user.pk)
            batch.add(user)
            batch.add(
                Membership(
                    id=members.take(),
                    user_id=user.pk,
                    organisation_id=self.provider.pk,
                    role=Membership.Role.TRAINEE,
                    created_at=user.date_joined,
                )
            )
        placements = int(self.plan.trainees * PLACEMENT_SHARE)
        self.supervisor_ids = []
        for n in range(max(1, -(-placements // PLACEMENTS_PER_SUPERVISOR))):
            user = User(
                id=users.take(),
                email=f"supervisor{n}@{LOAD_DOMAIN}",
                legal_name=f"Supervisor {n}",
                password=password,
                date_joined=start,
            )
            self.supervisor_ids.append(user.pk)
            batch.add(user)
            batch.add(
                Membership(
                    id=members.take(),
                    user_id=user.pk,
                    organisation_id=self.host.pk,
                    role=Membership.Role.SUPERVISOR,
                    created_at=start,
                )
            )
        batch.flush()

        # Cohorts on Boundaries of up to COHORT_CAP learners; the first is the report target.
        cohort_ids = IdRange(Cohort)
        cohorts = []
        through = Cohort.learners.through
        links = IdRange(through)
        link_rows = []
        self.cohort_of: dict[int, int] = {}
        for number, first in enumerate(range(0, self.plan.trainees, COHORT_CAP), start=1):
            cohort = Cohort(
                id=cohort_ids.take(),
                name=f"Load cohort {number}",
                course_id=self.courses[0].pk,
                trainer_id=self.trainer.pk,
                organisation_id=self.provider.pk,
                start_date=(self.now - timedelta(days=120)).date(),
                end_date=(self.now + timedelta(days=60)).date(),
                created_at=self.now - timedelta(days=121),
            )
            cohorts.append(cohort)
            for user_id in self.trainee_ids[first : first + COHORT_CAP]:
                self.cohort_of[user_id] = cohort.pk
                link_rows.append(through(id=links.take(), cohort_id=cohort.pk, user_id=user_id))
        insert(Cohort, cohorts, self.counts)
        for i in range(0, len(link_rows), BATCH):
            insert(through, link_rows[i : i + BATCH], self.counts)
        self.out(f"  people: {len(self.trainee_ids):,} trainees, {len(cohorts)} cohorts")

    # --- Enrolments and lesson progress ------------------------------------------------------

    def _learning(self) -> None:
        from courses.models import Enrolment, LessonProgress

        enrolments, progress = IdRange(Enrolment), IdRange(LessonProgress)
        batch = Batcher([Enrolment, LessonProgress], self.counts)
        self.enrolled: dict[int, list] = {}
        for n, user_id in enumerate(self.trainee_ids):
            rng = random.Random(n * 7 + 1)
            taken = [c for c in self.courses if rng.random() < COURSE_TAKE_UP[c.slug]]
            self.enrolled[user_id] = taken
            for course in taken:
                lessons = self.lessons[course.pk]
                done = rng.randint(0, len(lessons) * 2 // 3)  # about ten rows a trainee
                at = self.now - timedelta(days=rng.randint(5, 300), minutes=rng.randint(0, 1440))
                enrolment = Enrolment(
                    id=enrolments.take(),
                    user_id=user_id,
                    course_id=course.pk,
                    cohort_id=self.cohort_of.get(user_id) if course is self.courses[0] else None,
                    enrolled_at=at,
                    last_activity_at=at + timedelta(days=done),
                    last_lesson_id=lessons[min(done, len(lessons) - 1)].pk if done else None,
                )
                batch.add(enrolment)
                for i, lesson in enumerate(lessons[: done + 1]):
                    when = at + timedelta(days=i, minutes=30)
                    batch.add(
                        LessonProgress(
                            id=progress.take(),
                            user_id=user_id,
                            lesson_id=lesson.pk,
                            position="",
                            started_at=when,
                            updated_at=when + timedelta(minutes=20),
                            completed_at=when + timedelta(minutes=20) if i < done else None,
                        )
                    )
        batch.flush()
        self.out(f"  learning: {self.counts.rows.get('courses.LessonProgress', 0):,} progress rows")

    # --- Quiz attempts -----------------------------------------------------------------------

    def _attempts(self) -> None:
        from courses.models import Attempt, Mark, Response
        from courses.models.questions import rubric_max, snapshot_class

        variants = {
            quiz.pk: self.item_variants(quiz)
            for quizzes in self.quizzes.values()
            for quiz in quizzes
        }
        attempts, responses, marks = IdRange(Attempt), IdRange(Response), IdRange(Mark)
        batch = Batcher([Attempt, Response, Mark], self.counts)
        for n, user_id in enumerate(self.trainee_ids):
            rng = random.Random(n * 13 + 5)
            chosen = []
            if n < self.plan.hot_quiz_attempts:
                chosen.append(self.hot_quiz)
            others = [
                q
                for course in self.enrolled[user_id]
                for q in self.quizzes[course.pk]
                if q.pk != self.hot_quiz.pk
            ]
            want = ATTEMPTS_PER_TRAINEE - len(chosen)
            chosen += rng.sample(others, min(want, len(others)))
            for quiz in chosen:
                skill = rng.random()  # how likely each answer is right
                items = rng.choice(variants[quiz.pk])
                submitted = self.now - timedelta(
                    days=rng.randint(1, 300), minutes=rng.randint(0, 1440)
                )
                attempt = Attempt(
                    id=attempts.take(),
                    key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    user_id=user_id,
                    quiz_id=quiz.pk,
                    number=1,
                    status=Attempt.Status.GRADED,
                    seed=rng.getrandbits(48),
                    items=items,
                    started_at=submitted - timedelta(minutes=rng.randint(5, 40)),
                    submitted_at=submitted,
                    released_at=submitted,
                )
                earned = maximum = 0.0
                rows = []
                for position, item in enumerate(items):
                    snapshot = item["snapshot"]
                    cls = snapshot_class(snapshot)
                    answer = _answer(
                        cls, snapshot, item["order"], rng, rng.random() < 0.35 + 0.6 * skill
                    )
                    grade = cls.grade_snapshot(snapshot, answer, item["order"])
                    response = Response(
                        id=responses.take(),
                        attempt_id=attempt.pk,
                        position=position,
                        question_id=snapshot["question_id"],
                        answer=answer,
                        auto_score=grade.score,
                        needs_marking=grade.needs_marking,
                        saved_at=submitted,
                    )
                    rows.append(response)
                    points = snapshot["points"]
                    maximum += points
                    earned += (grade.score or 0.0) * points
                    rubric = snapshot.get("rubric")
                    if grade.needs_marking and rubric:
                        levels = [rng.randrange(len(c["levels"])) for c in rubric]
                        got = sum(
                            c["levels"][lv]["points"] for lv, c in zip(levels, rubric, strict=True)
                        )
                        top = rubric_max(rubric)
                        rows.append(
                            Mark(
                                id=marks.take(),
                                response_id=response.pk,
                                marker_id=self.trainer.pk,
                                levels=levels,
                                points=got,
                                max_points=top,
                                feedback="",
                                marked_at=submitted + timedelta(days=2),
                            )
                        )
                        share = 1 - snapshot.get("choice_weight", 0) / 100
                        earned += (got / top if top else 0.0) * share * points
                percent = earned / maximum * 100 if maximum else 0.0
                attempt.score = round(earned, 3)
                attempt.max_score = maximum
                attempt.percent = round(percent, 2)
                attempt.passed = percent >= quiz.pass_mark
                batch.add(attempt)
                for row in rows:
                    batch.add(row)
        batch.flush()
        self.out(
            f"  attempts: {self.counts.rows.get('courses.Attempt', 0):,} attempts, "
            f"{self.counts.rows.get('courses.Response', 0):,} responses"
        )

    # --- Practicum, certificates and the audit chain -----------------------------------------

    def _practicum(self) -> None:
        from certification.credentials.models import CredentialEnrolment
        from certification.practicum.models import Placement, PlacementSupervisor, PracticumEntry

        placements, links, entries = (
            IdRange(Placement),
            IdRange(PlacementSupervisor),
            IdRange(PracticumEntry),
        )
        credential_enrolments = IdRange(CredentialEnrolment)
        batch = Batcher(
            [Placement, PlacementSupervisor, PracticumEntry, CredentialEnrolment], self.counts
        )
        self.events: list[tuple] = []  # (actor, action, type, id, before, after, at)
        qualification = "Certified Peer Recovery Specialist (generated)"
        count = int(self.plan.trainees * PLACEMENT_SHARE)
        self.placed: list[tuple[int, int]] = []  # (trainee id, placement id)
        today = self.now.date()
        for n, user_id in enumerate(self.trainee_ids[:count]):
            rng = random.Random(n * 31 + 3)
            supervisor = self.supervisor_ids[n // PLACEMENTS_PER_SUPERVISOR]
            starts = today - timedelta(days=rng.randint(100, 300))
            created = timezone.make_aware(datetime.combine(starts, time(9, 0)))
            placement = Placement(
                id=placements.take(),
                trainee_id=user_id,
                host_id=self.host.pk,
                credential_code=self.credential.code,
                starts_on=starts,
                ends_on=starts + timedelta(days=180),
                trainee_agreed_at=created + timedelta(hours=1),
                supervisor_agreed_at=created + timedelta(hours=2),
                supervisor_agreed_by_id=supervisor,
                created_at=created,
            )
            self.placed.append((user_id, placement.pk))
            batch.add(placement)
            batch.add(
                PlacementSupervisor(
                    id=links.take(),
                    placement_id=placement.pk,
                    supervisor_id=supervisor,
                    qualification=qualification,
                    qualification_expires=today + timedelta(days=400),
                )
            )
            batch.add(
                CredentialEnrolment(
                    id=credential_enrolments.take(),
                    trainee_id=user_id,
                    credential_id=self.credential.pk,
                    version_id=self.version.pk,
                    enrolled_at=created,
                )
            )
            ref = ("certification.placement", placement.pk)
            self.events += [
                (None, "placement.created", *ref, {}, {"trainee": user_id}, created),
                (
                    user_id,
                    "placement.agreed",
                    *ref,
                    {},
                    {"by": "trainee"},
                    created + timedelta(hours=1),
                ),
                (
                    supervisor,
                    "placement.agreed",
                    *ref,
                    {},
                    {"by": "supervisor"},
                    created + timedelta(hours=2),
                ),
            ]
            for i in range(ENTRIES_PER_PLACEMENT):
                day = starts + timedelta(days=i * 5 + 1)
                activity = rng.choice(self.activities)
                made = timezone.make_aware(datetime.combine(day, time(18, 0)))
                approved = i < ENTRIES_PER_PLACEMENT - 2  # the last two still wait
                entry = PracticumEntry(
                    id=entries.take(),
                    placement_id=placement.pk,
                    date=day,
                    start_time=time(10, 0),
                    minutes=rng.choice((60, 120, 180, 240)),
                    setting=PracticumEntry.Setting.COMMUNITY,
                    activity=activity,
                    description=ENTRY_DESCRIPTION,
                    status=PracticumEntry.Status.APPROVED
                    if approved
                    else PracticumEntry.Status.SUBMITTED,
                    submitted_at=made + timedelta(minutes=5),
                    decided_at=made + timedelta(days=2) if approved else None,
                    decided_by_id=supervisor if approved else None,
                    signed_qualification=qualification if approved else "",
                    created_at=made,
                )
                if approved:
                    entry.content_hash = _entry_hash(entry)
                batch.add(entry)
                ref = ("certification.practicumentry", entry.pk)
                self.events += [
                    (user_id, "entry.created", *ref, {}, {"minutes": entry.minutes}, made),
                    (
                        user_id,
                        "entry.submitted",
                        *ref,
                        {"status": "draft"},
                        {"status": "submitted"},
                        made + timedelta(minutes=5),
                    ),
                ]
                if approved:
                    self.events.append(
                        (
                            supervisor,
                            "entry.approved",
                            *ref,
                            {"status": "submitted"},
                            {"status": "approved"},
                            entry.decided_at,
                        )
                    )
        batch.flush()
        self.out(
            f"  practicum: {len(self.placed):,} placements, "
            f"{self.counts.rows.get('practicum.PracticumEntry', 0):,} entries"
        )

    def _certificates_and_audit(self) -> None:
        from certification.credentials.models import Certificate
        from certification.credentials.services.codes import generate_verification_code
        from lms.audit.models import AuditEvent

        certificates = IdRange(Certificate)
        batch = Batcher([Certificate], self.counts)
        names = (
            dict(
                type(self.trainer)
                .objects.filter(pk__in=[t for t, _p in self.placed])
                .values_list("pk", "legal_name")
            )
            if self.placed
            else {}
        )
        count = int(self.plan.trainees * CERTIFICATE_SHARE)
        self.certificate_ids = []
        for n, (user_id, _placement) in enumerate(self.placed[:count]):
            rng = random.Random(n * 17 + 11)
            issued = self.now - timedelta(days=rng.randint(1, 700))
            expires = (issued + timedelta(days=730)).date()
            certificate = Certificate(
                id=certificates.take(),
                verification_code=generate_verification_code(),
                trainee_id=user_id,
                credential_version_id=self.version.pk,
                status=Certificate.Status.ISSUED,
                holder_name=names[user_id],
                credential_code=self.credential.code,
                credential_title=self.version.title,
                credential_version_number=self.version.number,
                alignment_statement=self.version.alignment_statement,
                issuing_organisation="Peerpath",
                competencies=[],
                hours={},
                courses=[c.title for c in self.courses],
                issued_on=issued.date(),
                expires_on=expires,
                pdf_sha256=hashlib.sha256(f"load-{user_id}-{rng.random()}".encode()).hexdigest(),
                pdf_rendered_at=issued + timedelta(minutes=1),
                created_at=issued,
            )
            self.certificate_ids.append(certificate.pk)
            batch.add(certificate)
            ref = ("certification.certificate", certificate.pk)
            self.events += [
                (
                    None,
                    "certificate.issued",
                    *ref,
                    {},
                    {
                        "code": certificate.credential_code,
                        "version": certificate.credential_version_number,
                    },
                    issued,
                ),
                (
                    None,
                    "certificate.pdf_stored",
                    *ref,
                    {},
                    {"sha256": certificate.pdf_sha256},
                    issued + timedelta(minutes=1),
                ),
            ]
        batch.flush()

        # The chain continues from the last real event, in the order the events happened.
        self.events.sort(key=lambda e: e[6])
        previous = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
        from lms.audit.models.events import GENESIS

        previous = previous or GENESIS
        ids = IdRange(AuditEvent)
        batch = Batcher([AuditEvent], self.counts)
        for actor, action, object_type, object_id, before, after, at in self.events:
            event = AuditEvent(
                id=ids.take(),
                actor_id=actor,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                before=before,
                after=after,
                at=at,
                request_id="",
                prev_hash=previous,
            )
            event.hash = previous = event.compute_hash()
            batch.add(event)
        batch.flush()
        # Bulk-created events bypass record_event: anchor the chain's keyed checkpoint at the
        # new head, as record_event would have (verify_audit_chain checks the end with it).
        from lms.audit.services.events import write_checkpoint

        head = AuditEvent.objects.order_by("-pk").values_list("pk", "hash").first()
        if head is not None:
            with transaction.atomic():
                write_checkpoint(
                    last_event_id=head[0], head_hash=head[1], event_count=AuditEvent.objects.count()
                )
        self.out(
            f"  certificates: {len(self.certificate_ids):,}; audit events: {len(self.events):,}"
        )

    def _reset(self) -> None:
        from certification.credentials.models import Certificate, CredentialEnrolment
        from certification.practicum.models import Placement, PlacementSupervisor, PracticumEntry
        from courses.models import Attempt, Cohort, Enrolment, LessonProgress, Mark, Response
        from lms.accounts.models import Membership, User
        from lms.audit.models import AuditEvent

        reset_sequences(
            [
                User,
                Membership,
                Cohort,
                Cohort.learners.through,
                Enrolment,
                LessonProgress,
                Attempt,
                Response,
                Mark,
                Placement,
                PlacementSupervisor,
                PracticumEntry,
                CredentialEnrolment,
                Certificate,
                AuditEvent,
            ]
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    # --- Live sessions, training hours, boards and packets of the fixed learners ----------

    def _fixed_learners(self) -> None:
        """trainee0..trainee9 get the same records at every scale, through the services (a
        few dozen rows, so no bulk insert): a cohort of their own with three past sessions
        whose registers are signed (each learner misses at most one, with an upcoming repeat
        to make it up at) and two upcoming; one verified and one waiting outside training
        each (the registrar's queue); IC&RC Peer Recovery as their board; a draft packet of
        every part."""
        from certification.boards.services import targets as target_services
        from certification.hours import demo as hours_demo
        from certification.live.services import attendance, scheduling
        from certification.packets.models import Section
        from certification.packets.services import packets as packet_services
        from courses.models import Cohort, ModulePage
        from lms.accounts.models import User
        from lms.audit.models import AuditEvent

        events = AuditEvent.objects.count()
        people = list(User.objects.filter(pk__in=self.trainee_ids[:FIXED_LEARNERS]).order_by("pk"))
        course = self.courses[0]
        cohort = Cohort.objects.create(
            name=LIVE_COHORT,
            course=course,
            trainer=self.trainer,
            organisation=self.provider,
            start_date=(self.now - timedelta(days=30)).date(),
            end_date=(self.now + timedelta(days=60)).date(),
        )
        cohort.learners.add(*people)
        module = ModulePage.objects.child_of(course).order_by("path").first()
        today = timezone.localdate(self.now)
        for index, days in enumerate(LIVE_DAYS):
            session = scheduling.schedule_session(
                trainer=self.trainer,
                title=f"Load live session {index + 1}",
                cohort_id=cohort.pk,
                course_id=course.pk,
                module_id=module.pk,
                date=today + timedelta(days=days),
                start_time=time(16, 0),  # clear of the demo's sessions
                minutes=120,
                mode="in_person",
                place="Northside Recovery College, Room 3",
                hours_by_domain={"icrc-pr/ethics": "1.50", "icrc-pr/mentoring": "0.50"},
                required=index == 0,
            )
            if days < 0:
                attendance.sign_register(
                    trainer=self.trainer,
                    session_id=session.pk,
                    rows={
                        person.pk: ("absent" if n % 4 == index else "present", None, "")
                        for n, person in enumerate(people)
                    },
                    now=self.now,
                )
        for person in people:
            hours_demo.seed_verified_training(person)
            hours_demo.seed_waiting_training(person)
            target_services.aim(trainee=person, code="icrc-pr")
            packet_services.make_packet(trainee=person, sections=Section.values, draft=True)
        self.counts.add("audit.AuditEvent", AuditEvent.objects.count() - events)
        self.out(
            f"  fixed learners: {len(people)} with {len(LIVE_DAYS)} live sessions, outside "
            "training, a board target and a packet"
        )


def _entry_hash(entry) -> str:
    """The hash an approval signs (PracticumEntry.signed_content, with no domains)."""
    from lms.audit.models.events import content_digest

    return content_digest(
        {
            "entry": entry.pk,
            "placement": entry.placement_id,
            "date": entry.date.isoformat(),
            "start_time": entry.start_time.isoformat(),
            "minutes": entry.minutes,
            "setting": entry.setting,
            "activity": entry.activity.code,
            "direct": entry.activity.direct,
            "domains": [],
            "description": entry.description,
            "corrects": entry.corrects_id,
            "decided_by": entry.decided_by_id,
            "qualification": entry.signed_qualification,
        }
    )


def generate(*, scale: int, out=None, per_scale: int = TRAINEES_PER_SCALE) -> Counts:
    """Add scale x 1,000 trainees and their data to a seeded demo database, once."""
    if scale < 1:
        raise LoadDataError("The scale must be a whole number of at least 1.")
    return Generator(scale=scale, out=out, per_scale=per_scale).run()


__all__ = ["LoadDataError", "generate"]
