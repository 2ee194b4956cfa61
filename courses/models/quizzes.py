"""Quizzes and attempts. A quiz is a page inside a module (or directly inside a course, for a
final quiz). An attempt freezes what the learner saw; responses are saved as they go;
submission grades once; trainers mark written parts with a kept history of marks."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from cms.blocks import RICH_TEXT_FEATURES


class QuizPage(Page):
    """Settings of a quiz and its questions (fixed, or drawn at random from the bank)."""

    class Selection(models.TextChoices):
        FIXED = "fixed", _("The questions listed below")
        RANDOM = "random", _("Drawn at random from the bank by tag")

    class FeedbackTiming(models.TextChoices):
        AFTER_EACH = "after_each", _("After each question (the learner checks each answer)")
        AFTER_SUBMIT = "after_submit", _("After the attempt is submitted")
        AFTER_CLOSE = "after_close", _("After the quiz closes")

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    selection = models.CharField(
        _("questions"), max_length=10, choices=Selection.choices, default=Selection.FIXED
    )
    draw_tag = models.CharField(_("draw questions tagged"), max_length=100, blank=True)
    draw_count = models.PositiveSmallIntegerField(_("number to draw"), default=5)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 means no limit.")
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"),
        default=60,
        help_text=_("Time to review before trying again."),
    )
    feedback_timing = models.CharField(
        _("feedback"),
        max_length=20,
        choices=FeedbackTiming.choices,
        default=FeedbackTiming.AFTER_SUBMIT,
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave blank for no time limit (recommended: timers raise anxiety for many learners)."
        ),
    )
    late_grace_seconds = models.PositiveIntegerField(
        _("grace for late submission (seconds)"),
        default=120,
        help_text=_(
            "With a time limit, a submission this soon after the deadline is accepted; later, "
            "only the answers saved before the deadline count."
        ),
    )
    required_for_completion = models.BooleanField(
        _("must be passed to complete the course"), default=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("selection"),
                InlinePanel("quiz_questions", label=_("Question")),
                FieldPanel("draw_tag"),
                FieldPanel("draw_count"),
            ],
            heading=_("Questions"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("attempts_allowed"),
                FieldPanel("cooldown_minutes"),
                FieldPanel("feedback_timing"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("closes_at"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("late_grace_seconds"),
                FieldPanel("required_for_completion"),
            ],
            heading=_("Rules"),
        ),
    ]

    parent_page_types = ["courses.ModulePage", "courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("quiz")

    def serve(self, request, *args, **kwargs):
        from ..views_assessment import quiz_page

        return quiz_page(request, self)

    def serve_preview(self, request, mode_name):
        """Wagtail's preview (new tab and live panel) renders the learner's front page of the
        quiz without a learner: the rules, the questions, nothing to start."""
        from ..views_assessment import quiz_preview

        return quiz_preview(request, self)


class QuizQuestion(Orderable):
    """A question listed on a fixed quiz. Points at the base Question: the chooser picks any
    type, and the attempt snapshots the specific question when it starts."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(
        "courses.Question", on_delete=models.PROTECT, related_name="quiz_uses"
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="courses_quizquestion_once")
        ]


class Accommodation(models.Model):
    """Extra time or attempts for one learner on one quiz, set by a trainer."""

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="accommodations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations"
    )
    extra_minutes = models.PositiveIntegerField(_("extra time (minutes)"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    note = models.CharField(_("note for trainers"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("accommodation")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="courses_accommodation_once")
        ]

    def __str__(self):
        return f"{self.user} on {self.quiz}"


class AttemptQuerySet(models.QuerySet):
    def for_learner(self, user):
        """One learner's attempts."""
        return self.filter(user=user)

    def finished(self):
        """Attempts that have been submitted."""
        return self.exclude(status=Attempt.Status.IN_PROGRESS)


class Attempt(models.Model):
    """One sitting of a quiz. `items` freezes the questions and option order shown."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_MARKING = "awaiting_marking", _("Waiting for a trainer to mark")
        GRADED = "graded", _("Graded")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    seed = models.BigIntegerField(
        help_text=_("Seeds the random draw and shuffles, to reproduce them.")
    )
    items = models.JSONField(help_text=_("Snapshots of the questions and the order shown."))
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    released_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When marked results were released.")
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="courses_attempt_number_once"
            ),
            # At most one unfinished attempt per learner and quiz, even with two tabs.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(status="in_progress"),
                name="courses_attempt_one_open",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "status"])]

    def __str__(self):
        return f"Attempt {self.number} at {self.quiz_id} by {self.user_id}"


class Response(models.Model):
    """A learner's answer to one item of an attempt, saved as they go."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        "courses.Question", on_delete=models.PROTECT, related_name="responses"
    )
    answer = models.JSONField(null=True, blank=True)
    checked = models.BooleanField(
        default=False, help_text=_("Locked after 'check answer' in after-each feedback.")
    )
    auto_score = models.FloatField(
        null=True, blank=True, help_text=_("0 to 1, for the auto-graded part.")
    )
    needs_marking = models.BooleanField(default=False)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="courses_response_once")
        ]
        indexes = [models.Index(fields=["needs_marking"])]

    def __str__(self):
        return f"Response {self.position} of {self.attempt_id}"

    @property
    def current_mark(self):
        marks = list(self.marks.all())
        return marks[-1] if marks else None


class Mark(models.Model):
    """A trainer's mark of a written answer against the rubric. Append-only: remarking adds a
    new Mark pointing at the one it replaces."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="marks")
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="marks_given"
    )
    levels = models.JSONField(help_text=_("Chosen level index per rubric criterion."))
    points = models.FloatField()
    max_points = models.FloatField()
    feedback = models.TextField(blank=True)
    marked_at = models.DateTimeField(auto_now_add=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["marked_at", "pk"]

    def __str__(self):
        return f"Mark {self.pk} of response {self.response_id}"
