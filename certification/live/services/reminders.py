"""Reminders the day before a session, by email through the outbox: a daily run queues one
task per learner and session; each task sends once (a Reminder row, written in the same
transaction as the send) and only if the learner still wants reminders."""

from datetime import datetime, time, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.services.outbox import enqueue_task
from lms.site import absolute_url

from .. import permissions
from ..models import CalendarPreference, LiveSession, Reminder

SEND_TASK = "certification.live.tasks.send_session_reminder_task"


def sessions_tomorrow(now=None):
    """Sessions that start on the next calendar day (local time)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    return LiveSession.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))


def wants_reminders(user_id: int) -> bool:
    preference = CalendarPreference.objects.filter(user_id=user_id).first()
    return preference is None or preference.reminders


@transaction.atomic
def queue_reminders(now=None) -> int:
    """Queue a reminder for every learner of tomorrow's sessions who has none yet and has
    not switched reminders off. Returns how many were queued."""
    queued = 0
    off = set(CalendarPreference.objects.filter(reminders=False).values_list("user_id", flat=True))
    for session in sessions_tomorrow(now):
        sent = set(session.reminders.values_list("learner_id", flat=True))
        for learner_id in permissions.learners_of(session).values_list("pk", flat=True):
            if learner_id in off or learner_id in sent:
                continue
            enqueue_task(SEND_TASK, session.pk, learner_id)
            queued += 1
    return queued


def send_reminder(*, session_id: int, learner_id: int) -> bool:
    """Email one learner about tomorrow's session, once. Returns whether this call sent it."""
    with transaction.atomic():
        session = LiveSession.objects.select_related("course").filter(pk=session_id).first()
        if session is None or session.starts_at <= timezone.now():
            return False
        learner = permissions.learners_of(session).filter(pk=learner_id).first()
        if learner is None or not learner.email or not wants_reminders(learner_id):
            return False
        try:
            with transaction.atomic():
                Reminder.objects.create(session=session, learner=learner)
        except IntegrityError:
            return False  # already sent
        context = {
            "user": learner,
            "session": session,
            "starts": timezone.localtime(session.starts_at),
            "link": absolute_url(session.get_absolute_url()),
            "settings_link": absolute_url(reverse("live:calendar")),
        }
        send_mail(
            subject=str(_("Tomorrow: %(title)s") % {"title": session.title}),
            message=render_to_string("live/email/reminder.txt", context),
            from_email=None,
            recipient_list=[learner.email],
        )
    return True
