"""External exam results. A registrar records what the board's score report says; a result
is never edited: a correction is a new record that supersedes it (both kept, audited)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def evidence_path(instance, filename: str) -> str:
    # A random name: a score report's file name often carries the person's name, and the
    # path must not be guessable. Evidence is only served through a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"exam-evidence/{uuid.uuid4().hex}.{extension}"


class ExamResultQuerySet(models.QuerySet):
    def standing(self):
        """Results no correction has superseded."""
        return self.filter(superseded_by__isnull=True)

    def passed(self):
        """Standing results that are passes."""
        return self.standing().filter(outcome=ExamResult.Outcome.PASS)


class ExamResult(models.Model):
    """One sitting of a board's exam by one person: board, exam, date, pass or fail, the
    scaled score where the board gives one, and the score report as evidence."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Not passed")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_results"
    )
    exam_key = models.SlugField(
        _("exam"), max_length=60, help_text=_("The board exam's key, e.g. icrc-pr.")
    )
    board = models.CharField(_("board"), max_length=200)
    exam_name = models.CharField(_("exam name"), max_length=200)
    taken_on = models.DateField(_("date taken"))
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices)
    scaled_score = models.PositiveIntegerField(_("scaled score"), null=True, blank=True)
    evidence_file = models.FileField(_("score report"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    # A registrar's note (for a correction, why). Never shown publicly.
    note = models.CharField(_("note"), max_length=500, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text=_("The record this one corrects."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ExamResultQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["trainee", "exam_key"], name="exams_trainee_exam")]

    def __str__(self):
        return f"{self.exam_name}, {self.taken_on}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        # A recorded result is evidence others rely on: corrections are new records.
        if self.pk and not kwargs.pop("_allow_update", False):
            raise ValueError("An exam result is never changed; record a correction instead.")
        super().save(*args, **kwargs)

    @property
    def passed(self) -> bool:
        return self.outcome == self.Outcome.PASS

    @property
    def is_standing(self) -> bool:
        return not hasattr(self, "superseded_by")
