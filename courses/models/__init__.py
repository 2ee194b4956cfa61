from .learning import (
    Cohort,
    ContentNoteChoice,
    Enrolment,
    LessonProgress,
    Reflection,
)
from .pages import CourseIndexPage, CoursePage, LessonPage, ModulePage

__all__ = [
    "Cohort",
    "ContentNoteChoice",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "ModulePage",
    "Reflection",
]
