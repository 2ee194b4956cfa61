"""The live-sessions app's part of a person's data (see lms/privacy/registry.py): signed
attendance (with any trainer's note about them), check-ins, calendar and reminder choices.
Erasure blanks the trainer's notes and deletes check-ins, the calendar feed and reminders;
signed attendance is a record of training hours, so it keeps the account in use."""

from lms.privacy import registry
from lms.privacy.services.data_rights import iso

from .models import Attendance, CalendarPreference, CheckIn, Reminder


def export(user) -> registry.Export:
    preference = CalendarPreference.objects.filter(user=user).first()
    return registry.Export(
        sections={
            "live_attendance": [
                {
                    "session": a.session.title,
                    "starts_at": iso(a.session.starts_at),
                    "status": a.get_status_display(),
                    "minutes_present": a.minutes_present,
                    "credited_minutes": a.credited_minutes,
                    "trainer_note": a.note,
                    "signed_at": iso(a.signed_at),
                    "corrects": a.corrects_id,
                }
                for a in Attendance.objects.filter(learner=user).select_related("session")
            ],
            "live_check_ins": [
                {"session": c.session.title, "checked_in_at": iso(c.checked_in_at)}
                for c in CheckIn.objects.filter(learner=user).select_related("session")
            ],
            "live_calendar": {
                "reminders": preference.reminders if preference else True,
                "private_feed": bool(preference and preference.feed_digest),
            },
        }
    )


def erase(person) -> dict[str, int]:
    return {
        "live_attendance_notes": Attendance.objects.filter(learner=person)
        .exclude(note="")
        .update(note=""),
        "live_check_ins": CheckIn.objects.filter(learner=person).delete()[0],
        "live_calendar": CalendarPreference.objects.filter(user=person).delete()[0],
        "live_reminders": Reminder.objects.filter(learner=person).delete()[0],
    }


registry.register(
    "live", export=export, erase=erase, keeps_account=("live_attendances", "live_sessions_led")
)
