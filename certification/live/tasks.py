"""Background work for live sessions: the daily reminder run and each reminder's email.
Tasks take ids and call a service; a re-run sends nothing twice."""

from celery import shared_task

from .services import attendance, reminders


@shared_task(name="certification.live.tasks.queue_session_reminders_task")
def queue_session_reminders_task() -> int:
    """Daily: queue (through the outbox) one reminder per learner of tomorrow's sessions."""
    return reminders.queue_reminders()


@shared_task(
    name="certification.live.tasks.send_session_reminder_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_session_reminder_task(session_id: int, learner_id: int) -> bool:
    """Email one learner about tomorrow's session, once."""
    return reminders.send_reminder(session_id=session_id, learner_id=learner_id)


@shared_task(name="certification.live.tasks.complete_courses_task")
def complete_courses_task(session_id: int, learner_id: int | None = None) -> int:
    """After signed attendance: complete the course for whom it was the last requirement."""
    return attendance.complete_courses(session_id=session_id, learner_id=learner_id)
