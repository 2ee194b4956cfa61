"""Forms for recording and correcting exam results. They parse and label input; the services
decide (and their refusals come back at these fields through `lms.formviews.submit`)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import catalogue
from .models import ExamResult


def _score_help() -> str:
    marks = [
        f"{exam.name}: {exam.scale[0]}–{exam.scale[1]}, pass {exam.pass_score}"
        for exam in catalogue.exams().values()
        if exam.scale and exam.pass_score is not None
    ]
    return str(_("Only where the score report gives one.")) + (
        " " + "; ".join(marks) + "." if marks else ""
    )


class ExamResultFields(forms.Form):
    exam_key = forms.ChoiceField(
        label=_("Exam"),
        choices=(),
        help_text=_("The boards' exams come from the boards data file, with their pass marks."),
    )
    board = forms.CharField(label=_("Board (another exam only)"), max_length=200, required=False)
    exam_name = forms.CharField(
        label=_("Exam name (another exam only)"), max_length=200, required=False
    )
    taken_on = forms.DateField(
        label=_("Date taken"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date the exam was taken."),
            "invalid": _("Give a real date, for example 2026-03-14."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=ExamResult.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the exam was passed.")},
    )
    scaled_score = forms.IntegerField(
        label=_("Scaled score (optional)"),
        min_value=0,
        max_value=100000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam_key"].choices = [("", _("Choose the exam")), *catalogue.choices()]
        self.fields["scaled_score"].help_text = _score_help()


class RecordExamResultForm(ExamResultFields):
    trainee_email = forms.EmailField(
        label=_("Email of the person who took it"),
        error_messages={"required": _("Give the email address of their Peerpath account.")},
    )
    evidence_file = forms.FileField(
        label=_("Score report"),
        help_text=_("A PDF, PNG or JPEG of at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        error_messages={"required": _("Upload the score report (PDF, PNG or JPEG).")},
    )
    field_order = ["trainee_email"]

    def clean_trainee_email(self):
        email = self.cleaned_data["trainee_email"]
        person = get_user_model().objects.filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(_("No Peerpath account has that email address."))
        self.cleaned_data["trainee"] = person
        return email


class CorrectExamResultForm(ExamResultFields):
    reason = forms.CharField(
        label=_("Why it is corrected"),
        max_length=500,
        help_text=_("For example: the score was typed wrongly; the board re-scored the exam."),
        error_messages={"required": _("Say why the result is being corrected.")},
    )
    evidence_file = forms.FileField(
        label=_("New score report (optional)"),
        required=False,
        help_text=_("Leave empty to keep the score report of the record being corrected."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
