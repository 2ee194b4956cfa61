"""Live sessions (in person or online), learners' check-ins, signed attendance, and each
learner's calendar feed and reminder preference."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.crypto import EncryptedTextField
from lms.hours import Delivery, to_hours


class LiveSessionQuerySet(models.QuerySet):
    def upcoming(self, now):
        """Sessions that have not ended yet, soonest first."""
        return self.filter(ends_at__gt=now).order_by("starts_at", "pk")

    def past(self, now):
        """Sessions that have ended, latest first."""
        return self.filter(ends_at__lte=now).order_by("-starts_at", "-pk")

    def overlapping(self, starts_at, ends_at):
        """Sessions whose time overlaps [starts_at, ends_at)."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class LiveSession(models.Model):
    """A taught session at a set time, for a cohort or open to a course's learners of one
    training provider. It delivers a course (or one of its modules) and carries contact
    hours by domain, credited from signed attendance."""

    class Mode(models.TextChoices):
        IN_PERSON = Delivery.IN_PERSON, _("In person")
        ONLINE = Delivery.LIVE_ONLINE, _("Online")

    title = models.CharField(_("title"), max_length=200)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="live_sessions",
        verbose_name=_("course"),
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        on_delete=models.PROTECT,
        related_name="live_sessions",
        null=True,
        blank=True,
        verbose_name=_("module"),
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        on_delete=models.PROTECT,
        related_name="live_sessions",
        null=True,
        blank=True,
        verbose_name=_("cohort"),
        help_text=_("Leave empty to open the session to every learner of the course."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="live_sessions",
        verbose_name=_("training provider"),
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="live_sessions_led",
        verbose_name=_("trainer"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    # Stored so that overlap and "upcoming" are plain indexed comparisons.
    ends_at = models.DateTimeField(_("ends at"), editable=False)
    mode = models.CharField(_("where"), max_length=20, choices=Mode.choices)
    place = models.CharField(_("place"), max_length=300, blank=True)
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)
    hours_by_domain = models.JSONField(_("contact hours by domain"), default=dict, blank=True)
    required = models.BooleanField(_("required for course completion"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # The key of the rotating check-in code (HMAC of the session and the time window).
    check_in_secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["trainer", "starts_at"]),
            models.Index(fields=["cohort", "starts_at"]),
            models.Index(fields=["course", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="live_session_has_length"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.ends_at = self.starts_at + timedelta(minutes=self.minutes)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("live:session", args=[self.pk])

    @property
    def hours(self):
        return to_hours(self.minutes / 60)


class CheckIn(models.Model):
    """A learner typed the session's current code within its window. The trainer confirms
    it in the register; a check-in alone credits nothing."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="check_ins")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_check_ins"
    )
    window = models.BigIntegerField(help_text=_("The code's time window (a counter)."))
    # A keyed digest of the device's check-in cookie: one device checks in one person.
    device = models.CharField(max_length=64)
    checked_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="live_check_in_once"),
            models.UniqueConstraint(fields=["session", "device"], name="live_check_in_device"),
        ]

    def __str__(self):
        return f"Check-in {self.pk}"


class AttendanceQuerySet(models.QuerySet):
    def current(self):
        """Records no correction has replaced."""
        return self.filter(correction__isnull=True)


class Attendance(models.Model):
    """One learner's signed attendance at one session. Written only when the trainer signs
    the register (or a make-up or a correction); never edited afterwards: a correction is a
    new record that points at the one it replaces."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(LiveSession, on_delete=models.PROTECT, related_name="attendances")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_attendances"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)
    minutes_present = models.PositiveIntegerField(_("minutes present"))
    credited_minutes = models.PositiveIntegerField(_("credited minutes"))
    makeup_for = models.ForeignKey(
        LiveSession,
        on_delete=models.PROTECT,
        related_name="makeups",
        null=True,
        blank=True,
        help_text=_("The missed session this attendance makes up for."),
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, related_name="correction", null=True, blank=True
    )
    checked_in = models.BooleanField(default=False)
    # A trainer's note may touch on a learner's circumstances: encrypted, shown only to
    # the session's trainers and the learner.
    note = EncryptedTextField(_("trainer note"), max_length=500, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="live_registers_signed"
    )
    signed_at = models.DateTimeField()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "learner", "pk"]

    def __str__(self):
        # Never the note.
        return f"Attendance {self.pk}"


class SignedRegister(models.Model):
    """The signature on a session's register: once signed, the register is locked."""

    session = models.OneToOneField(
        LiveSession, on_delete=models.PROTECT, related_name="signed_register"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()

    def __str__(self):
        return f"Register {self.session_id}"


class CalendarPreference(models.Model):
    """A learner's private calendar feed token (only its digest is kept, with the token
    encrypted so the learner can copy the address again) and reminder choice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_calendar"
    )
    feed_digest = models.CharField(max_length=64, blank=True, db_index=True)
    feed_token = EncryptedTextField(blank=True)
    reminders = models.BooleanField(_("email me the day before a session"), default=True)

    def __str__(self):
        return f"Calendar {self.user_id}"


class Reminder(models.Model):
    """A reminder sent: one per learner and session, so a re-run sends nothing twice."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="reminders")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_reminders"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="live_reminder_once"),
        ]

    def __str__(self):
        return f"Reminder {self.pk}"
