"""What learners do: cohorts, enrolments, lesson progress, content-note choices and private
reflections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.crypto import EncryptedTextField


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user):
        """Cohorts the user runs as trainer."""
        return self.filter(trainer=user)


class Cohort(models.Model):
    """A group of trainees taking a course together with a trainer, between two dates."""

    name = models.CharField(_("name"), max_length=150)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("course"),
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cohorts_taught",
        verbose_name=_("trainer"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cohorts",
        null=True,
        blank=True,
        verbose_name=_("training provider"),
    )
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts", blank=True, verbose_name=_("learners")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="courses_cohort_dates_in_order",
                violation_error_message=_("The end date must be on or after the start date."),
            )
        ]

    def __str__(self):
        return self.name


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        """Enrolments that have not been withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def for_learner(self, user):
        """One learner's enrolments."""
        return self.filter(user=user)


class Enrolment(models.Model):
    """A learner on a course. One row per learner and course; completion is recorded once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the learner left off, for 'continue where you left off'."),
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The course's approved contact hours when the learner completed it: what they keep, even
    # after the hours are changed (a new version) or first approved after they completed.
    contact_hours_version = models.ForeignKey(
        "courses.ContactHoursVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrolment_once"),
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.user} on {self.course}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class LessonProgress(models.Model):
    """How far a learner is through one lesson: the block they last reached, and when they
    marked it done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    position = models.CharField(
        max_length=64, blank=True, help_text=_("Id of the block the learner last reached.")
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="courses_progress_once"),
        ]

    def __str__(self):
        return f"{self.user} – {self.lesson_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ContentNoteChoice(models.Model):
    """What a learner chose at a content note: continue, skip for now, or take a break.
    Remembered so they are not asked again unless they want to be."""

    class Choice(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        SKIP = "skip", _("Skip for now")
        BREAK = "break", _("Take a break")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_note_choices"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="content_note_choices"
    )
    block_id = models.CharField(max_length=64)
    choice = models.CharField(max_length=16, choices=Choice.choices)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="courses_content_note_choice_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_choice_display()} at {self.block_id}"


class Reflection(models.Model):
    """A learner's private answer to a reflection prompt. Visible to that learner only:
    no admin, export, API or staff page shows it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="reflections"
    )
    block_id = models.CharField(max_length=64)
    prompt = models.TextField(help_text=_("The prompt as the learner saw it."))
    text = EncryptedTextField(_("your reflection"), max_length=20_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="courses_reflection_once"
            ),
        ]

    def __str__(self):
        # Never the text: a reflection's words must not reach logs or admin listings.
        return f"Reflection {self.pk}"
