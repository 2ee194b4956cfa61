"""Forms for the practicum pages. They parse and label input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.standards.models import Domain
from lms.fields import IdChoiceField, IdMultipleChoiceField

from .models import ActivityType, PracticumEntry, Rating, SupervisionSession
from .services.practicum import MAX_MINUTES_PER_DAY
from .services.supervision import MAX_SESSION_MINUTES


def minutes_field(label, *, least: int, most: int, message, **kwargs) -> forms.IntegerField:
    """A duration in minutes, refused at the field when out of range: a number too large
    for a time of day would otherwise fail deep in the overlap check."""
    return forms.IntegerField(
        label=label,
        min_value=least,
        max_value=most,
        error_messages={"min_value": message, "max_value": message},
        **kwargs,
    )


class DomainChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class EntryForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = minutes_field(
        _("Duration in minutes"),
        least=1,
        most=MAX_MINUTES_PER_DAY,
        message=_("The duration must be between 1 minute and 16 hours (960 minutes)."),
        help_text=_("For example 90 for an hour and a half. At most 16 hours a day."),
    )
    setting = forms.ChoiceField(label=_("Setting"), choices=PracticumEntry.Setting.choices)
    activity = IdChoiceField(
        label=_("Activity"),
        queryset=ActivityType.objects.filter(counts_as_supervision=False),
        empty_label=None,
        help_text=_("Direct activities are work with people; the others are indirect."),
    )
    domains = DomainChoiceField(
        label=_("Domains it relates to"),
        queryset=Domain.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("What you did"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A sentence or two about the work, with no names, contact details or dates of "
            "birth. For example: “Supported a person to prepare for a housing appointment.”"
        ),
    )

    def __init__(self, *args, domains=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = domains if domains is not None else Domain.objects.none()


class CorrectionForm(forms.Form):
    minutes = minutes_field(
        _("Corrected duration in minutes"),
        least=0,
        most=MAX_MINUTES_PER_DAY,
        message=_("The corrected duration must be between 0 and 16 hours (960 minutes)."),
        help_text=_("0 reverses the entry (it was logged by mistake)."),
    )
    description = forms.CharField(
        label=_("What was wrong, and the corrected description"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SignOffRequestForm(forms.Form):
    competency = forms.TypedChoiceField(label=_("Competency"), coerce=int)
    account = forms.CharField(
        label=_("What you did that shows it"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A short account, with no names or identifying details."),
    )

    def __init__(self, *args, competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [
            (c.pk, f"{c.domain.framework.title}: {c.code} {c.text}") for c in competencies
        ]


class SessionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SupervisionSession.Kind.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = minutes_field(
        _("Duration in minutes"),
        least=1,
        most=MAX_SESSION_MINUTES,
        message=_("A session lasts between 1 minute and 8 hours (480 minutes)."),
    )
    private_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only you and the trainee can read these. They never leave the two of you."),
    )
    password = forms.CharField(
        label=_("Your password"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    otp = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you saw, and what would help next."),
    )
    password = forms.CharField(
        label=_("Your password"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    otp = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
