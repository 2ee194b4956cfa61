"""Read-side views of the curriculum for one learner: the catalogue, a course outline with
progress, the state of a lesson, and the dashboard. Each is built in a fixed number of
queries, whatever the size of the course or the number of enrolments (tests assert it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Q

from .models import (
    ContentNoteChoice,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModulePage,
    Reflection,
)

# Lesson fields an outline needs; the body (large) is left in the database.
PAGE_FIELDS = ("id", "title", "slug", "path", "depth", "url_path", "live", "locale_id", "summary")
LESSON_FIELDS = (*PAGE_FIELDS, "estimated_minutes")


@dataclass
class LessonItem:
    lesson: LessonPage
    progress: LessonProgress | None = None

    @property
    def is_complete(self) -> bool:
        return bool(self.progress and self.progress.completed_at)

    @property
    def is_started(self) -> bool:
        return self.progress is not None

    @property
    def position(self) -> str:
        return self.progress.position if self.progress else ""


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class QuizItem:
    quiz: object
    passed: bool = False


@dataclass
class ModuleItem:
    module: ModulePage
    lessons: list[LessonItem] = field(default_factory=list)
    quizzes: list[QuizItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(item.is_complete for item in self.lessons)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def minutes(self) -> int:
        return sum(item.lesson.estimated_minutes for item in self.lessons)


@dataclass
class CourseOutline:
    course: CoursePage
    enrolment: Enrolment | None
    modules: list[ModuleItem]
    final_quizzes: list[QuizItem] = field(default_factory=list)

    @property
    def quizzes(self) -> list[QuizItem]:
        return [q for module in self.modules for q in module.quizzes] + self.final_quizzes

    @property
    def next_quiz(self) -> QuizItem | None:
        """The first required quiz not yet passed, once every lesson is done."""
        if any(not item.is_complete for item in self.lessons):
            return None
        return next(
            (q for q in self.quizzes if not q.passed and q.quiz.required_for_completion), None
        )

    @property
    def lessons(self) -> list[LessonItem]:
        return [item for module in self.modules for item in module.lessons]

    @property
    def done(self) -> int:
        return sum(item.is_complete for item in self.lessons)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def estimated_minutes(self) -> int:
        override = self.course.estimated_minutes_override
        return override if override else sum(m.minutes for m in self.modules)

    @property
    def resume(self) -> LessonItem | None:
        """The lesson to continue: the last one opened if it is unfinished, else the first
        unfinished lesson after it, else the first unfinished lesson."""
        lessons = self.lessons
        last_id = self.enrolment.last_lesson_id if self.enrolment else None
        start = next((i for i, item in enumerate(lessons) if item.lesson.pk == last_id), 0)
        for item in lessons[start:] + lessons[:start]:
            if not item.is_complete:
                return item
        return None

    def module(self, module_id) -> ModuleItem | None:
        return next((m for m in self.modules if m.module.pk == module_id), None)

    def neighbours(self, lesson_id) -> tuple[LessonItem | None, LessonItem | None]:
        lessons = self.lessons
        for i, item in enumerate(lessons):
            if item.lesson.pk == lesson_id:
                previous = lessons[i - 1] if i > 0 else None
                following = lessons[i + 1] if i + 1 < len(lessons) else None
                return previous, following
        return None, None


def _lessons_under(*pages) -> list[LessonPage]:
    if not pages:
        return []
    condition = reduce(or_, (Q(path__startswith=page.path) for page in pages))
    return list(LessonPage.objects.live().filter(condition).only(*LESSON_FIELDS).order_by("path"))


def _progress_map(user, lessons) -> dict[int, LessonProgress]:
    if not user.is_authenticated or not lessons:
        return {}
    rows = LessonProgress.objects.filter(user=user, lesson_id__in=[lesson.pk for lesson in lessons])
    return {row.lesson_id: row for row in rows}


def _modules_of(*courses) -> list[ModulePage]:
    if not courses:
        return []
    condition = reduce(or_, (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses))
    return list(ModulePage.objects.live().filter(condition).only(*PAGE_FIELDS).order_by("path"))


def _quizzes_under(user, *courses) -> tuple[list, set[int]]:
    """Live quizzes under the courses, and the ids of those the learner has passed."""

    if not courses:
        return [], set()
    quizzes = _quizzes_of(*courses)
    return quizzes, _passed(user, quizzes)


def _quizzes_of(*courses) -> list:
    from .models import QuizPage

    condition = reduce(or_, (Q(path__startswith=c.path) for c in courses))
    return list(
        QuizPage.objects.live()
        .filter(condition)
        .only(*PAGE_FIELDS[:-1], "required_for_completion", "pass_mark")
        .order_by("path")
    )


def _passed(user, quizzes) -> set[int]:
    """Ids of the quizzes the learner has passed (a released, passing attempt)."""
    from .models import Attempt

    if not quizzes or not user.is_authenticated:
        return set()
    return set(
        Attempt.objects.filter(
            user=user, quiz__in=[q.pk for q in quizzes], passed=True, released_at__isnull=False
        ).values_list("quiz_id", flat=True)
    )


def _assemble(course, enrolment, modules, lessons, quizzes, passed, progress) -> CourseOutline:
    """One course's outline from rows fetched for one or many courses (no queries)."""

    def under(pages, parent):
        return [page for page in pages if page.path.startswith(parent.path)]

    items = [
        ModuleItem(
            module,
            [LessonItem(lesson, progress.get(lesson.pk)) for lesson in under(lessons, module)],
            [QuizItem(quiz, quiz.pk in passed) for quiz in under(quizzes, module)],
        )
        for module in under(modules, course)
    ]
    finals = [
        QuizItem(quiz, quiz.pk in passed)
        for quiz in under(quizzes, course)
        if quiz.depth == course.depth + 1
    ]
    return CourseOutline(course=course, enrolment=enrolment, modules=items, final_quizzes=finals)


# The live page tree of a course is the same for every learner and changes only when a page
# is published, unpublished, saved, moved or deleted: it is cached under a version that any
# such change bumps (courses.signal_handlers), so a stale tree is never served.
TREE_VERSION_KEY = "courses:tree-version"
TREE_KEY = "courses:tree:{version}:{course}"
TREE_SECONDS = 60 * 60


def bump_tree_version() -> None:
    """Make every cached course tree stale."""
    cache.add(TREE_VERSION_KEY, 0, None)
    try:
        cache.incr(TREE_VERSION_KEY)
    except ValueError:  # evicted between add and incr
        cache.set(TREE_VERSION_KEY, 1, None)


def _course_tree(course) -> tuple[list, list, list]:
    """The course's live modules, lessons and quizzes (no learner data): cached, else three
    queries."""
    version = cache.get(TREE_VERSION_KEY, 0)
    key = TREE_KEY.format(version=version, course=course.pk)
    tree = cache.get(key)
    if tree is None:
        quizzes = _quizzes_of(course)
        tree = (_modules_of(course), _lessons_under(course), quizzes)
        cache.set(key, tree, TREE_SECONDS)
    return tree


def course_outline(
    *, course: CoursePage, user, enrolment: Enrolment | None = None
) -> CourseOutline:
    """Modules, lessons and quizzes of a course with the learner's progress: three queries,
    six when the course tree is not cached."""
    if enrolment is None and user.is_authenticated:
        enrolment = Enrolment.objects.filter(user=user, course=course).first()
    modules, lessons, quizzes = _course_tree(course)
    return _assemble(
        course,
        enrolment,
        modules,
        lessons,
        quizzes,
        _passed(user, quizzes),
        _progress_map(user, lessons),
    )


@dataclass
class LessonState:
    outline: CourseOutline
    item: LessonItem
    choices: dict[str, str]
    reflections: dict[str, Reflection]
    blocks: list[dict]

    @property
    def previous(self):
        return self.outline.neighbours(self.item.lesson.pk)[0]

    @property
    def next(self):
        return self.outline.neighbours(self.item.lesson.pk)[1]

    @property
    def module(self):
        """The module this lesson sits in, from the outline (no extra query)."""
        path = self.item.lesson.path
        return next(
            (m.module for m in self.outline.modules if path.startswith(m.module.path)), None
        )


def lesson_blocks(lesson: LessonPage, choices: dict[str, str]) -> list[dict]:
    """Each block of the lesson, marked hidden when it sits after a content note the learner
    has not chosen to continue past. A note covers the blocks up to the next note."""
    blocks = []
    gate = None  # the id of the content note whose section we are in, if not yet continued
    for block in lesson.body:
        if block.block_type == "content_note":
            chosen = choices.get(block.id)
            gate = None if chosen == ContentNoteChoice.Choice.CONTINUE else block.id
            blocks.append({"block": block, "hidden": False, "choice": chosen})
            continue
        blocks.append({"block": block, "hidden": gate is not None, "choice": None})
    return blocks


def lesson_state(
    *, lesson: LessonPage, course: CoursePage, user, enrolment: Enrolment
) -> LessonState:
    """Everything a lesson page shows for a learner: six queries."""
    outline = course_outline(course=course, user=user, enrolment=enrolment)
    item = next((i for i in outline.lessons if i.lesson.pk == lesson.pk), LessonItem(lesson))
    choices = dict(
        ContentNoteChoice.objects.filter(user=user, lesson=lesson).values_list("block_id", "choice")
    )
    reflections = {r.block_id: r for r in Reflection.objects.filter(user=user, lesson=lesson)}
    blocks = lesson_blocks(lesson, choices)
    for entry in blocks:
        entry["reflection"] = reflections.get(entry["block"].id)
    return LessonState(outline, item, choices, reflections, blocks)


@dataclass
class CourseCard:
    course: CoursePage
    lessons: int
    minutes: int
    enrolment: Enrolment | None
    done: int

    @property
    def percent(self) -> int:
        return percent(self.done, self.lessons)


def catalogue(*, index_page, user) -> list[CourseCard]:
    """Live courses of the catalogue with their size and the learner's progress: four queries."""
    courses = list(CoursePage.objects.live().child_of(index_page).order_by("path"))
    lessons = _lessons_under(index_page)
    enrolments = {}
    if user.is_authenticated:
        enrolments = {e.course_id: e for e in Enrolment.objects.active().filter(user=user)}
    progress = _progress_map(user, lessons)
    cards = []
    for course in courses:
        own = [lesson for lesson in lessons if lesson.path.startswith(course.path)]
        minutes = course.estimated_minutes_override or sum(x.estimated_minutes for x in own)
        done = sum(
            1 for lesson in own if progress.get(lesson.pk) and progress[lesson.pk].completed_at
        )
        cards.append(CourseCard(course, len(own), minutes, enrolments.get(course.pk), done))
    return cards


@dataclass
class DashboardEntry:
    enrolment: Enrolment
    outline: CourseOutline


def dashboard(*, user) -> list[DashboardEntry]:
    """The learner's enrolled courses with progress and next step: six queries."""
    enrolments = list(
        Enrolment.objects.active()
        .filter(user=user)
        .select_related("course")
        .order_by("-last_activity_at", "-enrolled_at")
    )
    courses = [e.course for e in enrolments]
    modules = _modules_of(*courses)
    lessons = _lessons_under(*courses)
    quizzes, passed = _quizzes_under(user, *courses)
    progress = _progress_map(user, lessons)
    return [
        DashboardEntry(
            enrolment,
            _assemble(enrolment.course, enrolment, modules, lessons, quizzes, passed, progress),
        )
        for enrolment in enrolments
    ]
