"""Trainer reports: a cohort's progress per learner and per lesson, in a fixed number of
queries whatever the size of the cohort or course."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count

from lms.exports import csv_safe as csv_safe  # the cohort export calls reports.csv_safe

from .models import Attempt, Cohort, Enrolment, LessonPage, LessonProgress
from .outline import LESSON_FIELDS, percent, required_quizzes

# Learners per page of the progress table: the page stays quick to render for cohorts of
# thousands (bench/growth.py), while the lesson totals always cover the whole cohort.
LEARNERS_PER_PAGE = 100


def bar_geometry(bars, *, bar_x: int, scale: int, row: int = 24) -> list[dict]:
    """SVG geometry for a horizontal bar chart of percentages: one row per (label, title,
    percent), the bar starting at `bar_x` and `scale` pixels per percent."""
    return [
        {
            "label": label,
            "title": title,
            "percent": value,
            "y": i * row + 4,
            "text_y": i * row + 18,
            "width": value * scale,
            "value_x": bar_x + value * scale + 6,  # the figure just past the end of the bar
        }
        for i, (label, title, value) in enumerate(bars)
    ]


@dataclass
class ProgressRow:
    learner: object
    enrolment: Enrolment | None
    cells: list[bool]
    quizzes_passed: int = 0
    quizzes_required: int = 0

    @property
    def done(self) -> int:
        return sum(self.cells)

    @property
    def percent(self) -> int:
        """Share of what the course requires (every lesson and each required quiz), the
        measure the learner sees, so 100% means the course is complete."""
        return percent(self.done + self.quizzes_passed, len(self.cells) + self.quizzes_required)


@dataclass
class LessonColumn:
    lesson: LessonPage
    completed: int
    learners: int

    @property
    def percent(self) -> int:
        return percent(self.completed, self.learners)


@dataclass
class CohortProgress:
    lessons: list[LessonPage]
    rows: list[ProgressRow]  # every learner, or one page of them
    columns: list[LessonColumn]  # always over the whole cohort
    learners_total: int = 0
    completed_course: int = 0  # learners of the cohort who completed the course
    page: Page | None = None

    BAR_ROW = 24  # pixels per lesson in the chart

    @property
    def chart_height(self) -> int:
        return self.BAR_ROW * len(self.columns) + 8

    @property
    def chart_bars(self) -> list[dict]:
        """Geometry of the completion-by-lesson bar chart (SVG attributes, no inline styles)."""
        return bar_geometry(
            [
                (str(i + 1), column.lesson.title, column.percent)
                for i, column in enumerate(self.columns)
            ],
            bar_x=40,
            scale=5,
        )

    @property
    def learner_chart_height(self) -> int:
        return self.BAR_ROW * len(self.rows) + 8

    @property
    def learner_bars(self) -> list[dict]:
        """Geometry of the progress-by-learner bar chart."""
        return bar_geometry(
            [
                (row.learner.display_name[:24], row.learner.display_name, row.percent)
                for row in self.rows
            ],
            bar_x=170,
            scale=4,
        )


def cohort_progress(*, cohort, page=None, per_page: int | None = None) -> CohortProgress:
    """Who has done which lesson of the cohort's course. Every learner, or with `page` (a
    page number as typed; anything unusable gives the first or last page) one page of them.
    Eight queries at most (three more when the course tree is not cached), whatever the size
    of the cohort."""
    learners_qs = cohort.learners.order_by("legal_name", "pk")
    # The cohort's learner ids straight from the link table: counting and filtering by it
    # needs no join to the (much larger) users table.
    member_ids = Cohort.learners.through.objects.filter(cohort_id=cohort.pk).values("user_id")
    page_obj = None
    if page is None:
        learners = list(learners_qs)
        total = len(learners)
    else:
        paginator = Paginator(learners_qs, per_page or LEARNERS_PER_PAGE)
        paginator.count = member_ids.count()  # (a cached property: set, it is not queried)
        page_obj = paginator.get_page(page)
        learners = list(page_obj.object_list)
        total = paginator.count
    lessons = list(
        LessonPage.objects.live().descendant_of(cohort.course).only(*LESSON_FIELDS).order_by("path")
    )
    learner_ids = [learner_.pk for learner_ in learners]
    lesson_ids = [lesson_.pk for lesson_ in lessons]
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.filter(course_id=cohort.course_id, user__in=learner_ids)
    }
    done = set(
        LessonProgress.objects.filter(
            user__in=learner_ids, lesson__in=lesson_ids, completed_at__isnull=False
        ).values_list("user_id", "lesson_id")
    )
    quizzes = [quiz.pk for quiz in required_quizzes(cohort.course)]
    passed = set(
        Attempt.objects.filter(
            user__in=learner_ids, quiz__in=quizzes, passed=True, released_at__isnull=False
        ).values_list("user_id", "quiz_id")
    )
    rows = [
        ProgressRow(
            learner,
            enrolments.get(learner.pk),
            [(learner.pk, lesson_.pk) in done for lesson_ in lessons],
            sum((learner.pk, quiz) in passed for quiz in quizzes),
            len(quizzes),
        )
        for learner in learners
    ]
    # Totals over the whole cohort, counted by the database rather than from the rows.
    completed_by_lesson = dict(
        LessonProgress.objects.filter(
            user_id__in=member_ids, lesson__in=lesson_ids, completed_at__isnull=False
        )
        .values("lesson_id")
        .annotate(n=Count("pk"))
        .values_list("lesson_id", "n")
    )
    completed_course = Enrolment.objects.filter(
        course_id=cohort.course_id, user_id__in=member_ids, completed_at__isnull=False
    ).count()
    columns = [
        LessonColumn(lesson, completed_by_lesson.get(lesson.pk, 0), total) for lesson in lessons
    ]
    return CohortProgress(lessons, rows, columns, total, completed_course, page_obj)
