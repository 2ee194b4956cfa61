from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts.forms import ReauthenticationForm

from .models import Attendance, LiveSession
from .services.scheduling import MAX_MINUTES, parse_hours_by_domain

STATUS_CHOICES = Attendance.Status.choices


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    cohort = forms.TypedChoiceField(
        label=_("For"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("A cohort, or leave empty to open it to everyone on the course."),
    )
    delivers = forms.ChoiceField(label=_("Delivers"))
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=1, max_value=MAX_MINUTES, initial=120
    )
    mode = forms.ChoiceField(
        label=_("Where"), choices=LiveSession.Mode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Place (in person)"), max_length=300, required=False)
    meeting_link = forms.URLField(
        label=_("Meeting link (online)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to the learners of the session."),
    )
    hours_by_domain = forms.CharField(
        label=_("Contact hours by domain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, as 'icrc-pr/ethics: 1.5'."),
    )
    required = forms.BooleanField(label=_("Required to complete the course"), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)

    def __init__(self, *args, cohorts=(), courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", _("Everyone on the course"))] + [
            (c.pk, f"{c.name} ({c.course.title})") for c in cohorts
        ]
        choices = []
        for course, modules in courses:
            choices.append((f"course:{course.pk}", course.title))
            choices += [(f"module:{m.pk}", f"{course.title}: {m.title}") for m in modules]
        self.fields["delivers"].choices = choices

    def clean_hours_by_domain(self):
        try:
            return parse_hours_by_domain(self.cleaned_data["hours_by_domain"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class RegisterForm(ReauthenticationForm):
    """The whole register on one form: for each learner, `status-<id>`, `minutes-<id>`
    (minutes present, for late and left early) and `note-<id>`. Check-ins start present."""

    def __init__(self, *args, learners, checked_in=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.learners = list(learners)
        self.checked_in = set(checked_in)
        fields = {}
        for person in self.learners:
            fields[f"status-{person.pk}"] = forms.ChoiceField(
                label=person.display_name,
                choices=STATUS_CHOICES,
                widget=forms.RadioSelect,
                initial="present" if person.pk in checked_in else None,
            )
            fields[f"minutes-{person.pk}"] = forms.IntegerField(
                label=_("Minutes present"), min_value=0, required=False
            )
            fields[f"note-{person.pk}"] = forms.CharField(
                label=_("Note"), max_length=500, required=False
            )
        # The learners' rows first; the signature fields stay last.
        self.fields = {**fields, **self.fields}

    def rows_for_template(self):
        return [
            (
                person,
                self[f"status-{person.pk}"],
                self[f"minutes-{person.pk}"],
                self[f"note-{person.pk}"],
                person.pk in self.checked_in,
            )
            for person in self.learners
        ]

    def signature_fields(self):
        return [self[name] for name in ("password", "otp") if name in self.fields]

    def rows(self) -> dict:
        data = self.cleaned_data
        return {
            person.pk: (
                data[f"status-{person.pk}"],
                data.get(f"minutes-{person.pk}"),
                data.get(f"note-{person.pk}", ""),
            )
            for person in self.learners
        }


class AttendanceForm(ReauthenticationForm):
    status = forms.ChoiceField(
        label=_("Attendance"), choices=STATUS_CHOICES, widget=forms.RadioSelect
    )
    minutes_present = forms.IntegerField(
        label=_("Minutes present"),
        min_value=0,
        required=False,
        help_text=_("For late or left early."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MakeupForm(AttendanceForm):
    learner = forms.TypedChoiceField(label=_("Learner"), coerce=int)
    missed = forms.TypedChoiceField(label=_("Makes up for"), coerce=int)

    def __init__(self, *args, learners=(), missed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [("", "—")] + [(p.pk, p.display_name) for p in learners]
        self.fields["missed"].choices = [("", "—")] + [
            (s.pk, f"{s.title} ({timezone.localtime(s.starts_at):%d %b %Y})") for s in missed
        ]
        for name in ("missed", "learner"):
            self.fields = {name: self.fields.pop(name), **self.fields}


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("The code on the trainer's screen."),
    )
