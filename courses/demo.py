"""Demo curriculum for `seed_demo`: the four courses in demo_content/*.yaml as Wagtail pages,
a cohort with learners at different points, and the demo trainee part-way through.
Idempotent: a course, cohort or learner that already exists is left as it is."""

import re
from datetime import date, timedelta
from pathlib import Path

import yaml
from django.db import transaction

from cms.models import HomePage
from lms.accounts.demo import DEMO_PASSWORD
from lms.accounts.models import Membership, Organisation, User

from . import services
from .models import (
    ChoiceWithJustificationQuestion,
    Cohort,
    ContactHoursVersion,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    MatchingQuestion,
    ModulePage,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    QuizPage,
    QuizQuestion,
    ScenarioJudgementQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    WrittenResponseQuestion,
)
from .services import contact_hours

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
COURSE_ORDER = ["boundaries", "ethics", "trauma-informed-practice", "self-care"]
PREREQUISITES = {"ethics": ["boundaries"]}

COHORT_PEERS = [
    # (email, legal name, preferred name, lessons of Boundaries completed)
    ("amara@peerpath.example", "Amara Obi", "Amara", 10),
    ("ben@peerpath.example", "Benedict Hale", "Ben", 7),
    ("chloe@peerpath.example", "Chloe Martin", "", 4),
    ("dev@peerpath.example", "Devendra Rao", "Dev", 2),
    ("eli@peerpath.example", "Elias Novak", "Eli", 0),
]


def load_course(slug: str) -> dict:
    return yaml.safe_load((CONTENT_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))


def stream_value(body: list[dict]) -> list[tuple[str, object]]:
    """Turn the YAML block list into StreamField data for LessonStreamBlock."""
    value = []
    for block in body:
        kind = block["type"]
        if kind == "heading":
            value.append(("heading", {"text": block["text"], "level": "h2"}))
        elif kind == "text":
            value.append(("paragraph", block["html"]))
        elif kind == "callout":
            value.append(
                (
                    "callout",
                    {
                        "kind": block.get("kind", "info"),
                        "title": block["title"],
                        "text": block["html"],
                    },
                )
            )
        elif kind == "content_note":
            value.append(("content_note", {"topics": block["topics"], "text": block["text"]}))
        elif kind == "reflection":
            value.append(
                ("reflection", {"prompt": block["prompt"], "guidance": block.get("guidance", "")})
            )
        elif kind == "scenario":
            value.append(
                (
                    "scenario",
                    {
                        "title": block["title"],
                        "situation": block["html"],
                        "questions": block.get("questions", []),
                        "discussion": block.get("discussion_html", ""),
                    },
                )
            )
        elif kind == "grounding":
            value.append(
                (
                    "grounding",
                    {
                        "title": block["title"],
                        "steps": block["steps"],
                        "note": block.get("note", ""),
                    },
                )
            )
        elif kind == "voice":
            value.append(
                ("voice", {"quote": block["quote"], "attribution": block.get("attribution", "")})
            )
        else:
            raise ValueError(f"Unknown demo block type {kind!r}")
    return value


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def seed_course(index: CourseIndexPage, data: dict) -> CoursePage:
    existing = CoursePage.objects.child_of(index).filter(slug=data["slug"]).first()
    if existing:
        return existing
    course = _publish(
        index,
        CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            introduction=data.get("intro", ""),
            learning_outcomes="\n".join(data.get("outcomes", [])),
            audience=data.get("audience", ""),
            level=data.get("level", CoursePage.Level.INTRODUCTORY),
        ),
    )
    for module_data in data["modules"]:
        module = _publish(
            course,
            ModulePage(
                title=module_data["title"],
                slug=module_data["slug"],
                summary=module_data.get("summary", ""),
            ),
        )
        for lesson_data in module_data["lessons"]:
            _publish(
                module,
                LessonPage(
                    title=lesson_data["title"],
                    slug=lesson_data["slug"],
                    summary=lesson_data.get("summary", ""),
                    estimated_minutes=lesson_data["minutes"],
                    body=stream_value(lesson_data["body"]),
                ),
            )
    return course


@transaction.atomic
def seed_courses() -> list[CoursePage]:
    """The catalogue and the four demo courses, with prerequisites."""
    home = HomePage.objects.first()
    index = CourseIndexPage.objects.first()
    if index is None:
        index = _publish(
            home,
            CourseIndexPage(
                title="Courses",
                slug="courses",
                introduction="<p>Four courses make up the Peer Worker Foundations programme. "
                "Take them at your own pace; each lesson saves your place.</p>",
            ),
        )
    courses = {slug: seed_course(index, load_course(slug)) for slug in COURSE_ORDER}
    for slug, required in PREREQUISITES.items():
        course = courses[slug]
        wanted = [courses[r] for r in required]
        if set(course.prerequisites.all()) != set(wanted):
            course.prerequisites.set(wanted)
            course.save_revision().publish()
    return list(courses.values())


def _lessons(course):
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def _complete(user, course, count):
    for lesson in _lessons(course)[:count]:
        services.complete_lesson(user=user, lesson=lesson)


@transaction.atomic
def seed_learning() -> Cohort:
    """A cohort on Boundaries with learners at different points, and the demo trainee part
    of the way through two courses."""
    provider = Organisation.objects.get(slug="northside-recovery-college")
    trainer = User.objects.get(email="trainer@peerpath.example")
    trainee = User.objects.get(email="trainee@peerpath.example")
    boundaries = CoursePage.objects.get(slug="boundaries")
    trauma = CoursePage.objects.get(slug="trauma-informed-practice")

    cohort = Cohort.objects.filter(name="Northside spring cohort").first()
    if cohort is not None:
        return cohort
    start = date.today() - timedelta(days=21)
    cohort = Cohort.objects.create(
        name="Northside spring cohort",
        course=boundaries,
        trainer=trainer,
        organisation=provider,
        start_date=start,
        end_date=start + timedelta(days=84),
    )
    cohort.learners.add(trainee)
    for email, legal, preferred, _done in COHORT_PEERS:
        learner = User.objects.filter(email=email).first()
        if learner is None:
            learner = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, legal_name=legal, preferred_name=preferred
            )
        Membership.objects.get_or_create(
            user=learner, organisation=provider, role=Membership.Role.TRAINEE
        )
        cohort.learners.add(learner)
    services.enrol_cohort(cohort=cohort)
    for email, _legal, _preferred, done in COHORT_PEERS:
        _complete(User.objects.get(email=email), boundaries, done)

    # The demo trainee: three lessons of Boundaries done and the fourth started, one of
    # Trauma-informed practice done.
    _complete(trainee, boundaries, 3)
    fourth = _lessons(boundaries)[3]
    first_block = next(iter(fourth.body), None)
    services.save_position(
        user=trainee, lesson=fourth, position=first_block.id if first_block else ""
    )
    services.enrol_learner(user=trainee, course=trauma)
    _complete(trainee, trauma, 1)
    return cohort


# Quizzes.


def _question_title(stem: str) -> str:
    text = re.sub(r"<[^>]+>", " ", stem)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "…"


def _rubric(criteria):
    return [
        (
            "criterion",
            {"criterion": c["criterion"], "levels": [dict(level) for level in c["levels"]]},
        )
        for c in criteria
    ]


def _options(options):
    return [
        (
            "option",
            {
                "text": o["text"],
                "is_correct": bool(o.get("correct")),
                "feedback": o.get("feedback", ""),
            },
        )
        for o in options
    ]


def build_question(data: dict, course_slug: str) -> Question:
    """One bank question from the demo YAML, published and tagged with its course."""
    kind = data["type"]
    common = {
        "title": _question_title(data["stem"]),
        "stem": data["stem"] if data["stem"].lstrip().startswith("<") else f"<p>{data['stem']}</p>",
        "feedback": data.get("feedback", ""),
        "difficulty": data.get("difficulty", "medium"),
        "status": Question.Status.PUBLISHED,
    }
    if kind in ("single_choice", "multiple_response"):
        model = SingleChoiceQuestion if kind == "single_choice" else MultipleResponseQuestion
        question = model(options=_options(data["options"]), **common)
    elif kind == "true_false":
        question = TrueFalseQuestion(
            correct_answer=bool(data["answer"]), explanation=data.get("explanation", ""), **common
        )
    elif kind == "ordering":
        question = OrderingQuestion(items=[("item", {"text": t}) for t in data["items"]], **common)
    elif kind == "matching":
        question = MatchingQuestion(pairs=[("pair", dict(p)) for p in data["pairs"]], **common)
    elif kind == "scenario_judgement":
        question = ScenarioJudgementQuestion(
            options=[
                ("option", {"text": o["text"], "rationale": o.get("rationale", "")})
                for o in data["options"]
            ],
            **common,
        )
    elif kind == "written_response":
        question = WrittenResponseQuestion(
            guidance=data.get("guidance", ""), rubric=_rubric(data["rubric"]), points=2, **common
        )
    elif kind == "choice_with_justification":
        question = ChoiceWithJustificationQuestion(
            options=_options(data["options"]),
            justification_prompt=data.get("justification_prompt", "Explain your choice."),
            rubric=_rubric(data["rubric"]),
            points=2,
            **common,
        )
    else:
        raise ValueError(f"Unknown demo question type {kind!r}")
    question.full_clean()
    question.save()
    question.tags.add(course_slug, *data.get("tags", []))
    return question


def _quiz(parent, data, course_slug, slug, final=False) -> QuizPage:
    existing = QuizPage.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    quiz = QuizPage(
        title=data["title"],
        slug=slug,
        introduction="<p>Take your time: there is no time limit, and your answers save as you go. "
        "Each question explains its answer once you submit.</p>",
        pass_mark=80,
        attempts_allowed=0 if not final else 3,
        cooldown_minutes=10,
        feedback_timing=QuizPage.FeedbackTiming.AFTER_SUBMIT,
    )
    questions = [build_question(q, course_slug) for q in data["questions"]]
    for order, question in enumerate(questions):
        quiz.quiz_questions.add(QuizQuestion(question=question, sort_order=order))
    return _publish(parent, quiz)


@transaction.atomic
def seed_quizzes() -> list[QuizPage]:
    """A quiz per module and a final scenario quiz per course, from demo_content/*.quizzes.yaml."""
    quizzes = []
    for slug in COURSE_ORDER:
        course = CoursePage.objects.get(slug=slug)
        data = yaml.safe_load((CONTENT_DIR / f"{slug}.quizzes.yaml").read_text(encoding="utf-8"))
        for quiz_data in data["quizzes"]:
            if quiz_data["module"] == "final":
                quizzes.append(_quiz(course, quiz_data, slug, "final-scenario-quiz", final=True))
            else:
                module = ModulePage.objects.child_of(course).get(slug=quiz_data["module"])
                quizzes.append(_quiz(module, quiz_data, slug, "check-your-understanding"))
    return quizzes


def seed_contact_hours() -> None:
    """Each demo course's contact hours as its YAML gives them, approved by the demo
    registrar (learners who completed a course earlier take this first version), and one
    waiting proposal from the trainer for a registrar to decide. Needs the frameworks
    (domain keys are checked against them). Idempotent."""
    registrar = User.objects.filter(email="registrar@peerpath.example").first()
    trainer = User.objects.filter(email="trainer@peerpath.example").first()
    if registrar is None:
        return
    for slug in COURSE_ORDER:
        course = CoursePage.objects.filter(slug=slug).first()
        data = load_course(slug).get("contact_hours")
        if course is None or not data:
            continue
        if ContactHoursVersion.objects.filter(page_id=course.pk).exists():
            continue
        contact_hours.set_contact_hours(
            registrar=registrar,
            page=course,
            title=course.title,
            total=data["total"],
            delivery=data["delivery"],
            face_to_face=data.get("face_to_face"),
            hours_by_domain=data.get("by_domain", {}),
        )
    self_care = CoursePage.objects.filter(slug="self-care").first()
    if (
        trainer is not None
        and self_care is not None
        and not ContactHoursVersion.objects.proposed().filter(page_id=self_care.pk).exists()
    ):
        # The trainer added a live reflective-practice hour: waiting for the registrar.
        contact_hours.propose_contact_hours(
            proposer=trainer,
            page=self_care,
            title=self_care.title,
            total="7",
            delivery="blended",
            face_to_face="1",
            hours_by_domain={
                "icrc-pr/recovery": "4",
                "icrc-pr/ethics": "2",
                "icrc-pr/mentoring": "1",
                "samhsa-pw-2015/XII": "7",
            },
        )
