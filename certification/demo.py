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
