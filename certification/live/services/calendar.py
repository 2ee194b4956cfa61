"""Calendars: an iCalendar file for one session, each learner's private feed (a random
token, kept only as a digest and encrypted for the learner to copy again; revocable), and
the learner's reminder choice. The token never reaches a log, a task or an audit event."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from lms.audit.services.events import record_event

from .. import permissions
from ..models import CalendarPreference, LiveSession

PRODID = "-//Peerpath//Live sessions//EN"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preference_for(user) -> CalendarPreference:
    """The learner's calendar settings (created on first use)."""
    return CalendarPreference.objects.get_or_create(user=user)[0]


@transaction.atomic
def regenerate_feed(*, user) -> str:
    """A new private feed token; the old one stops working at once."""
    preference = CalendarPreference.objects.select_for_update().get_or_create(user=user)[0]
    token = secrets.token_urlsafe(24)
    preference.feed_digest = _digest(token)
    preference.feed_token = token
    preference.save(update_fields=["feed_digest", "feed_token"])
    record_event(actor=user, action="live.feed_regenerated", obj=preference)
    return token


@transaction.atomic
def revoke_feed(*, user) -> None:
    """Turn the private feed off: its address answers nothing from now on."""
    preference = CalendarPreference.objects.select_for_update().get_or_create(user=user)[0]
    preference.feed_digest = ""
    preference.feed_token = ""
    preference.save(update_fields=["feed_digest", "feed_token"])
    record_event(actor=user, action="live.feed_revoked", obj=preference)


@transaction.atomic
def set_reminders(*, user, on: bool) -> None:
    preference = CalendarPreference.objects.select_for_update().get_or_create(user=user)[0]
    preference.reminders = on
    preference.save(update_fields=["reminders"])


def user_for_token(token: str):
    """The active learner whose feed this token opens, or None."""
    if not token:
        return None
    preference = (
        CalendarPreference.objects.select_related("user")
        .filter(feed_digest=_digest(token), user__is_active=True)
        .first()
    )
    return preference.user if preference else None


def _event(session: LiveSession, *, with_link: bool, site_url: str) -> Event:
    event = Event()
    event.add("uid", f"live-session-{session.pk}@peerpath")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    if session.mode == LiveSession.Mode.IN_PERSON:
        event.add("location", session.place)
    elif with_link:
        event.add("location", session.meeting_link)
    event.add("url", site_url + session.get_absolute_url())
    event.add("description", f"{session.course.title} ({session.get_mode_display()})")
    return event


def calendar_bytes(sessions, *, user, site_url: str) -> bytes:
    """An iCalendar document of these sessions, as `user` may see them (the meeting link
    only for the sessions' own learners and trainers)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Peerpath sessions")
    mine = set(permissions.sessions_for_learner(user).values_list("pk", flat=True))
    mine |= set(permissions.sessions_managed_by(user).values_list("pk", flat=True))
    for session in sessions:
        calendar.add_component(_event(session, with_link=session.pk in mine, site_url=site_url))
    return calendar.to_ical()


def feed_sessions(user):
    """What a learner's feed holds: their sessions from a month ago on."""
    since = timezone.now() - timedelta(days=31)
    return (
        permissions.sessions_for_learner(user)
        .filter(ends_at__gte=since)
        .select_related("course")
        .order_by("starts_at")
    )
