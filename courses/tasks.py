"""Background work for courses. Tasks take ids and call a service."""

from celery import shared_task

from . import statistics
from .models import QuizPage


@shared_task(acks_late=True)
def compute_quiz_statistics_task(quiz_id: int) -> int:
    """Compute a large quiz's item statistics into the cache. Harmless to run twice: the
    result is keyed by the state of the data it was computed from."""
    quiz = QuizPage.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return 0
    return statistics.compute_and_store(quiz).attempts
