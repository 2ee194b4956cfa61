"""Trainer reports: a cohort's progress per learner and per lesson, in a fixed number of
queries whatever the size of the cohort or course."""

from dataclasses import dataclass

from .models import Enrolment, LessonPage, LessonProgress
from .outline import LESSON_FIELDS, percent


def csv_safe(value: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass
class ProgressRow:
    learner: object
    enrolment: Enrolment | None
    cells: list[bool]

    @property
    def done(self) -> int:
        return sum(self.cells)

    @property
    def percent(self) -> int:
        return percent(self.done, len(self.cells))


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
    rows: list[ProgressRow]
    columns: list[LessonColumn]

    BAR_ROW = 24  # pixels per lesson in the chart

    @property
    def chart_height(self) -> int:
        return self.BAR_ROW * len(self.columns) + 8

    @property
    def chart_bars(self) -> list[dict]:
        """Geometry of the completion-by-lesson bar chart (SVG attributes, no inline styles)."""
        return [
            {
                "number": i + 1,
                "title": column.lesson.title,
                "percent": column.percent,
                "y": i * self.BAR_ROW + 4,
                "text_y": i * self.BAR_ROW + 18,
                "width": column.percent * 5,
                "value_x": 52 + column.percent * 5,
            }
            for i, column in enumerate(self.columns)
        ]

    @property
    def learner_chart_height(self) -> int:
        return self.BAR_ROW * len(self.rows) + 8

    @property
    def learner_bars(self) -> list[dict]:
        """Geometry of the progress-by-learner bar chart."""
        return [
            {
                "label": row.learner.display_name[:24],
                "percent": row.percent,
                "y": i * self.BAR_ROW + 4,
                "text_y": i * self.BAR_ROW + 18,
                "width": row.percent * 4,
                "value_x": 172 + row.percent * 4,
            }
            for i, row in enumerate(self.rows)
        ]

    @property
    def completed_course(self) -> int:
        return sum(1 for row in self.rows if row.enrolment and row.enrolment.completed_at)


def cohort_progress(*, cohort) -> CohortProgress:
    """Who has done which lesson of the cohort's course: four queries."""
    learners = list(cohort.learners.order_by("legal_name", "pk"))
    lessons = list(
        LessonPage.objects.live().descendant_of(cohort.course).only(*LESSON_FIELDS).order_by("path")
    )
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.filter(
            course_id=cohort.course_id, user__in=[learner_.pk for learner_ in learners]
        )
    }
    done = set(
        LessonProgress.objects.filter(
            user__in=[learner_.pk for learner_ in learners],
            lesson__in=[lesson_.pk for lesson_ in lessons],
            completed_at__isnull=False,
        ).values_list("user_id", "lesson_id")
    )
    rows = [
        ProgressRow(
            learner,
            enrolments.get(learner.pk),
            [(learner.pk, lesson_.pk) in done for lesson_ in lessons],
        )
        for learner in learners
    ]
    columns = [
        LessonColumn(lesson, sum(1 for row in rows if row.cells[i]), len(rows))
        for i, lesson in enumerate(lessons)
    ]
    return CohortProgress(lessons, rows, columns)
