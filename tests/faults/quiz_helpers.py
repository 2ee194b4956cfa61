"""A small auto-graded quiz and learners with a started attempt, for the database fault
tests (used in-process, and by the setup script of the private PostgreSQL test)."""

from cms.demo import seed_site
from courses import services as course_services
from tests.courses.assessment_helpers import make_question, make_quiz
from tests.factories import CourseIndexPageFactory, EnrolmentFactory, UserFactory, build_course

QUESTIONS = 5


def build_quiz():
    """A published course with a quiz of five true/false questions (the answer is "false"
    to each), no attempt limit and no cool-down."""
    site = seed_site()
    catalogue = CourseIndexPageFactory(parent=site)
    course, lessons = build_course(
        modules=1, lessons_per_module=1, parent=catalogue, title="Faults", slug="faults"
    )
    module = lessons[0].get_parent().specific
    questions = [
        make_question("true_false", stem=f"<p>Statement {n + 1} is true.</p>", answer=False)
        for n in range(QUESTIONS)
    ]
    quiz = make_quiz(module, questions, cooldown_minutes=0, attempts_allowed=0)
    return course, quiz


def learner_with_attempt(course, quiz, number: int):
    """A learner enrolled on the course with one attempt started."""
    user = UserFactory(legal_name=f"Learner {number}", email=f"learner{number}@faults.example")
    EnrolmentFactory(user=user, course=course)
    attempt = course_services.start_attempt(user=user, quiz=quiz)
    return user, attempt


def answers_form(attempt) -> dict:
    """The form a learner who answers every question correctly sends."""
    return {f"q{position}": "false" for position in range(len(attempt.items))}
