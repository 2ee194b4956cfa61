"""Read-side views of the curriculum for one learner: the catalogue, a course outline with
progress, the state of a lesson, and the dashboard.

The outline is the one source of a course's order: its steps are each module's lessons then
its quizzes, then the course's final quizzes. "Next", "previous", "x of N done", where to
continue and completion all walk these steps; a step counts towards N when the course
requires it (every lesson, and each quiz that must be passed). Each is built in a fixed number of
queries, whatever the size of the course or the number of enrolments (tests assert it)."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page

from cms.routing import PAGES_VERSION, kept_pages
from lms import cache as versioned

from .models import (
    ContentNoteChoice,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModulePage,
    Reflection,
)
from .services import contact_hours

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

    @property
    def page(self):
        return self.lesson

    required = True  # every lesson counts towards completing the course


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class QuizItem:
    quiz: object
    passed: bool = False

    position = ""  # a quiz has no reading position
    is_started = False

    @property
    def page(self):
        return self.quiz

    @property
    def is_complete(self) -> bool:
        return self.passed

    @property
    def required(self) -> bool:
        return bool(self.quiz.required_for_completion)


@dataclass
class ModuleItem:
    module: ModulePage
    lessons: list[LessonItem] = field(default_factory=list)
    quizzes: list[QuizItem] = field(default_factory=list)

    @property
    def steps(self) -> list:
        """The module's lessons, then its quizzes, in the order a learner takes them."""
        return [*self.lessons, *self.quizzes]

    @property
    def done(self) -> int:
        return sum(step.is_complete for step in self.steps if step.required)

    @property
    def total(self) -> int:
        return sum(1 for step in self.steps if step.required)

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
    # The versions it was built from (course tree and the learner's progress): a rendered
    # fragment of this outline keyed by it is never stale ("" when not versioned).
    version: str = ""

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
    def steps(self) -> list:
        """Every lesson and quiz in the order a learner takes them."""
        return [step for module in self.modules for step in module.steps] + self.final_quizzes

    @property
    def done(self) -> int:
        """Steps the course requires that the learner has done (lessons read, quizzes passed)."""
        return sum(step.is_complete for step in self.steps if step.required)

    @property
    def total(self) -> int:
        """Steps the course requires: every lesson and each quiz that must be passed."""
        return sum(1 for step in self.steps if step.required)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def estimated_minutes(self) -> int:
        override = self.course.estimated_minutes_override
        return override if override else sum(m.minutes for m in self.modules)

    @property
    def resume(self) -> LessonItem | QuizItem | None:
        """The step to continue: the last lesson opened if it is unfinished, else the first
        required step not done after it (a quiz included), else the first one not done."""
        steps = [step for step in self.steps if step.required]
        last_id = self.enrolment.last_lesson_id if self.enrolment else None
        start = next((i for i, step in enumerate(steps) if step.page.pk == last_id), 0)
        for step in steps[start:] + steps[:start]:
            if not step.is_complete:
                return step
        return None

    def module(self, module_id) -> ModuleItem | None:
        return next((m for m in self.modules if m.module.pk == module_id), None)

    def neighbours(self, page_id) -> tuple:
        """The steps (lesson or quiz) before and after the lesson or quiz `page_id`."""
        steps = self.steps
        for i, step in enumerate(steps):
            if step.page.pk == page_id:
                previous = steps[i - 1] if i > 0 else None
                following = steps[i + 1] if i + 1 < len(steps) else None
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
TREE_VERSION = "courses:tree"  # the name of its version (lms.cache.version)
TREE_KEY = "courses:tree:{version}:{course}"
TREE_SECONDS = 60 * 60


def bump_tree_version() -> None:
    """Make every cached course tree stale (now and when the change commits)."""
    versioned.bump(TREE_VERSION)


def _course_tree(course) -> tuple[list, list, list]:
    """The course's live modules, lessons and quizzes (no learner data): kept in this process,
    else from the shared cache, else three queries."""
    return versioned.kept(TREE_VERSION, ("tree", course.pk), lambda: _shared_tree(course))


def _shared_tree(course) -> tuple[list, list, list]:
    key = TREE_KEY.format(version=versioned.version(TREE_VERSION), course=course.pk)
    tree = cache.get(key)
    if tree is None:
        quizzes = _quizzes_of(course)
        tree = (_modules_of(course), _lessons_under(course), quizzes)
        cache.set(key, tree, TREE_SECONDS)
    return tree


def _course_trees(courses) -> tuple[list, list, list]:
    """The live modules, lessons and quizzes of several courses: those kept in this process,
    the others from the shared cache in one round trip, three queries for those not cached."""
    if not courses:
        return [], [], []
    by_id = {course.pk: course for course in courses}
    kept = versioned.kept_many(
        TREE_VERSION,
        [("tree", pk) for pk in by_id],
        lambda keys: _shared_trees([by_id[pk] for _tree, pk in keys]),
    )
    trees = [kept[("tree", course.pk)] for course in courses]
    return tuple([page for tree in trees for page in tree[part]] for part in range(3))


def _shared_trees(courses) -> dict:
    """{("tree", course id): tree} from the shared cache, three queries for those not there."""
    version = versioned.version(TREE_VERSION)
    keys = {course.pk: TREE_KEY.format(version=version, course=course.pk) for course in courses}
    found = cache.get_many(list(keys.values()))
    missing = [course for course in courses if keys[course.pk] not in found]
    if missing:
        modules, lessons = _modules_of(*missing), _lessons_under(*missing)
        quizzes = _quizzes_of(*missing)
        for course in missing:

            def under(pages, parent=course):
                return [page for page in pages if page.path.startswith(parent.path)]

            tree = (under(modules), under(lessons), under(quizzes))
            found[keys[course.pk]] = tree
            cache.set(keys[course.pk], tree, TREE_SECONDS)
    return {("tree", course.pk): found[keys[course.pk]] for course in courses}


# What a learner has done (lessons opened and completed, quizzes passed) is cached under a
# version of their own that every change to their progress or attempts bumps
# (courses.signal_handlers, services.record_visit), and the tree version: a learner never sees
# their own progress stale, and every other learner's cache stays warm.
LEARNER_VERSION = "courses:learner:{user}"
LEARNER_KEY = "courses:learner:{user}:{scope}:{tree}:{progress}"


def learner_progress_changed(user_id) -> None:
    """Make the learner's cached progress stale (now and when the change commits)."""
    versioned.bump(LEARNER_VERSION.format(user=user_id))


def _versions_of(user) -> str:
    """The course tree's version and the learner's progress version, as one string."""
    tree = versioned.version(TREE_VERSION)
    if not user.is_authenticated:
        return f"{tree}:anonymous"
    return f"{tree}:{user.pk}:{versioned.version(LEARNER_VERSION.format(user=user.pk))}"


def _learner_state(user, scope, lessons, quizzes) -> tuple[dict, set]:
    """The learner's progress by lesson id and the ids of the quizzes they passed, among
    `lessons` and `quizzes` (those of `scope`: a course id, or "all" their courses): kept in
    this process, else from the shared cache, else two queries."""
    if not user.is_authenticated:
        return {}, set()
    name = LEARNER_VERSION.format(user=user.pk)
    tree, progress = versioned.version(TREE_VERSION), versioned.version(name)
    key = LEARNER_KEY.format(user=user.pk, scope=scope, tree=tree, progress=progress)

    def shared():
        state = cache.get(key)
        if state is None:
            state = (_progress_map(user, lessons), _passed(user, quizzes))
            if not versioned.in_transaction():  # rows a rollback may take back bump nothing
                cache.set(key, state, TREE_SECONDS)
        return state

    return versioned.kept(name, ("state", scope), shared, current=f"{tree}:{progress}")


def parent_url(page) -> str:
    """The URL of the page's parent (a course's catalogue), kept in this process while no page
    changes (cms.routing's "pages" version)."""
    path = page.path[: -page.steplen]

    def url():
        parent = Page.objects.filter(path=path).first()
        return (parent.url or "") if parent else ""

    return versioned.kept(PAGES_VERSION, ("page-url", path), url)


def live_lessons(course) -> list:
    """The live lessons of the course (the cached tree)."""
    return _course_tree(course)[1]


def required_quizzes(course) -> list:
    """The live quizzes of the course that must be passed to complete it (the cached tree)."""
    return [quiz for quiz in _course_tree(course)[2] if quiz.required_for_completion]


def course_outline(
    *, course: CoursePage, user, enrolment: Enrolment | None = None
) -> CourseOutline:
    """Modules, lessons and quizzes of a course with the learner's progress: one query for
    the enrolment when it is not given; three more when the course tree is not cached, two
    when the learner's progress is not."""
    if enrolment is None and user.is_authenticated:
        enrolment = Enrolment.objects.filter(user=user, course=course).first()
    modules, lessons, quizzes = _course_tree(course)
    progress, passed = _learner_state(user, course.pk, lessons, quizzes)
    built = _assemble(course, enrolment, modules, lessons, quizzes, passed, progress)
    built.version = f"{course.pk}:{bool(enrolment)}:{_versions_of(user)}"
    return built


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


# The HTML of a lesson's blocks that are the same for every learner, per published revision
# (and tree version, which every save and publish bumps): a publish shows at once.
BODY_KEY = "courses:lesson-body:{tree}:{lesson}:{revision}"
LEARNER_BLOCKS = ("content_note", "reflection")  # rendered with the learner's own state


def rendered_blocks(lesson: LessonPage) -> dict[str, str]:
    """The rendered HTML of each block but content notes and reflections, by block id: kept
    in this process, else from the shared cache, else rendered."""
    tree = versioned.version(TREE_VERSION)
    revision = lesson.live_revision_id or lesson.latest_revision_id
    key = BODY_KEY.format(tree=tree, lesson=lesson.pk, revision=revision)

    def shared():
        html = cache.get(key)
        if html is None:
            html = {
                block.id: str(block.render(context={"page": lesson}))
                for block in lesson.body
                if block.block_type not in LEARNER_BLOCKS
            }
            if not versioned.in_transaction():
                cache.set(key, html, TREE_SECONDS)
        return html

    return versioned.kept(
        TREE_VERSION, ("lesson-body", lesson.pk), shared, current=f"{tree}:{revision}"
    )


def lesson_state(
    *, lesson: LessonPage, course: CoursePage, user, enrolment: Enrolment
) -> LessonState:
    """Everything a lesson page shows for a learner: once the course tree, the learner's
    progress and the lesson's rendered blocks are cached, a query for the learner's
    content-note choices if the lesson has a content note, and one for their reflections if
    it asks for one (none for a lesson of text alone)."""
    outline = course_outline(course=course, user=user, enrolment=enrolment)
    item = next((i for i in outline.lessons if i.lesson.pk == lesson.pk), LessonItem(lesson))
    kinds = {block["type"] for block in lesson.body.raw_data}
    choices, reflections = {}, {}
    if "content_note" in kinds:
        choices = dict(
            ContentNoteChoice.objects.filter(user=user, lesson=lesson).values_list(
                "block_id", "choice"
            )
        )
    if "reflection" in kinds:
        reflections = {r.block_id: r for r in Reflection.objects.filter(user=user, lesson=lesson)}
    blocks = lesson_blocks(lesson, choices)
    html = rendered_blocks(lesson)
    for entry in blocks:
        entry["reflection"] = reflections.get(entry["block"].id)
        entry["html"] = html.get(entry["block"].id)
    return LessonState(outline, item, choices, reflections, blocks)


@dataclass
class CourseCard:
    course: CoursePage
    lessons: int
    minutes: int
    enrolment: Enrolment | None
    done: int
    contact_hours: dict | None = None  # the approved hours (contact_hours.summaries)

    @property
    def percent(self) -> int:
        return percent(self.done, self.lessons)


def catalogue(*, index_page, user) -> list[CourseCard]:
    """Live courses of the catalogue with their size, approved contact hours and the learner's
    progress: six queries."""
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
    versions = contact_hours.current_versions(course.pk for course in courses)
    for card, summary in zip(
        cards, contact_hours.summaries(versions.get(c.pk) for c in courses), strict=True
    ):
        card.contact_hours = summary
    return cards


@dataclass
class DashboardEntry:
    enrolment: Enrolment
    outline: CourseOutline
    attempts: list = field(default_factory=list)  # the learner's unfinished business

    @property
    def open_attempts(self) -> list:
        """Attempts started and not submitted."""
        return [a for a in self.attempts if a.status == a.Status.IN_PROGRESS]

    @property
    def waiting_for_marking(self) -> list:
        """Submitted attempts whose result is not released yet (being marked)."""
        return [a for a in self.attempts if a.status != a.Status.IN_PROGRESS and not a.released_at]

    @property
    def resume(self) -> LessonItem | QuizItem | None:
        """Where to continue: the outline's next step, passing over a quiz whose attempt is
        with a marker (nothing to do there until the result is released)."""
        waiting = {a.quiz_id for a in self.waiting_for_marking}
        steps = self.outline.steps
        first = self.outline.resume
        if first is None or first.page.pk not in waiting:
            return first
        start = steps.index(first)
        for step in steps[start:] + steps[:start]:
            if step.required and not step.is_complete and step.page.pk not in waiting:
                return step
        return None

    @property
    def failed_required(self) -> list[QuizItem]:
        """Required quizzes not passed whose latest result is released and failing, with no
        attempt under way: the learner has to try again to complete the course."""
        busy = {a.quiz_id for a in self.attempts if not a.released_at}
        failed = {a.quiz_id for a in self.attempts if a.released_at and not a.passed}
        return [
            q
            for q in self.outline.quizzes
            if q.required and not q.passed and q.quiz.pk in failed and q.quiz.pk not in busy
        ]


def _unfinished_attempts(user, scope: str, quizzes: list) -> list:
    """The learner's attempts at these quizzes that still ask something of them or of a
    marker (a passed, released attempt asks nothing; failing released ones are kept to tell
    "try again"), oldest first: kept in this process under the learner's version, which
    every saved or deleted attempt bumps (courses.signal_handlers), else one query. Each
    call gets its own copies."""
    from .models import Attempt

    if not quizzes:
        return []
    name = LEARNER_VERSION.format(user=user.pk)
    current = f"{versioned.version(TREE_VERSION)}:{versioned.version(name)}"

    def pickled():
        found = (
            Attempt.objects.for_learner(user)
            .filter(quiz__in=[q.pk for q in quizzes])
            .exclude(passed=True, released_at__isnull=False)
            .only("key", "quiz_id", "status", "released_at", "passed", "number")
            .order_by("started_at")
        )
        return pickle.dumps(list(found))

    frozen = versioned.kept(name, ("attempts", scope), pickled, current=current)
    return pickle.loads(frozen)  # noqa: S301 - pickled by this process, from its own query


def dashboard(*, user) -> list[DashboardEntry]:
    """The learner's enrolled courses with progress, next step, open attempts, failed
    required quizzes and answers waiting for marking: one query (the enrolments, whose order
    follows the last activity, which is written without a signal) once the course trees,
    the learner's progress and their unfinished attempts are kept."""
    enrolments = list(
        Enrolment.objects.active().filter(user=user).order_by("-last_activity_at", "-enrolled_at")
    )
    kept = kept_pages(CoursePage, {e.course_id for e in enrolments})
    for enrolment in enrolments:
        enrolment.course = kept[enrolment.course_id]
    courses = [e.course for e in enrolments]
    modules, lessons, quizzes = _course_trees(courses)
    scope = "all-" + hashlib.sha256(",".join(str(c.pk) for c in courses).encode()).hexdigest()[:16]
    progress, passed = _learner_state(user, scope, lessons, quizzes)
    attempts = _unfinished_attempts(user, scope, quizzes)
    entries = []
    for enrolment in enrolments:
        course_outline_ = _assemble(
            enrolment.course, enrolment, modules, lessons, quizzes, passed, progress
        )
        own = {q.quiz.pk: q.quiz for q in course_outline_.quizzes}
        for attempt in attempts:
            if attempt.quiz_id in own:
                attempt.quiz = own[attempt.quiz_id]  # the page already fetched, no query
        entries.append(
            DashboardEntry(
                enrolment,
                course_outline_,
                [a for a in attempts if a.quiz_id in own],
            )
        )
    return entries
