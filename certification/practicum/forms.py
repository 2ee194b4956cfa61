"""Forms for the practicum pages. They parse and label input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from certification.standards.models import Domain
from lms import parsing
from lms.accounts.forms import ReauthenticationForm
from lms.fields import IdChoiceField, IdMultipleChoiceField

from .models import ActivityType, PracticumEntry, Rating, SupervisionSession
from .services.practicum import MAX_MINUTES_PER_DAY, MAX_REPLY_LENGTH
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


class SessionForm(ReauthenticationForm):
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


class RatingForm(ReauthenticationForm):
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you saw, and what would help next."),
    )


COMMENT_LENGTH = 1500
CHOOSE_ACTION = _("Choose approve or return.")


class DecisionForm(ReauthenticationForm):
    """A supervisor's decision on the entries they tick (none is ticked for them): approve
    and sign, or return. Each waiting entry has its own comment box (`comment-<id>`); the
    general comment goes to every chosen entry that has none of its own. The chosen ids are
    in `cleaned_data["entries"]`, limited to the placement's entries."""

    action = forms.ChoiceField(
        choices=[("approve", _("Approve and sign")), ("return", _("Return"))],
        error_messages={"required": CHOOSE_ACTION, "invalid_choice": CHOOSE_ACTION},
    )
    comment = forms.CharField(
        label=_("Comment for every chosen entry without its own"),
        required=False,
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, entries, waiting=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in waiting:
            self.fields[f"comment-{entry.pk}"] = forms.CharField(
                label=_("Comment on the entry of %(date)s")
                % {"date": date_format(entry.date, "D j M")},
                required=False,
                max_length=COMMENT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for name in ("password", "otp"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    def chosen(self) -> set[int]:
        """The ids ticked, as submitted (for showing the form again)."""
        return set(parsing.ids(self.data.getlist("entry"))) if self.is_bound else set()

    def clean(self):
        ids = self.chosen()
        entries = list(self.entries.filter(pk__in=ids).values_list("pk", flat=True))
        if not entries:
            self.add_error(None, _("Tick the entries you want to decide on first."))
        self.cleaned_data["entries"] = entries
        self.cleaned_data["comments"] = {
            pk: self.cleaned_data.get(f"comment-{pk}", "")
            for pk in entries
            if f"comment-{pk}" in self.fields
        }
        return super().clean()


class SendForm(forms.Form):
    """The trainee's entries to send (none ticked in advance), with a reply to the comment
    of each returned entry (`reply-<id>`). The chosen ids are in `cleaned_data["entries"]`."""

    def __init__(self, *args, entries, open_entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in open_entries:
            if entry.decision_comment:
                self.fields[f"reply-{entry.pk}"] = forms.CharField(
                    label=_("Your reply about the entry of %(date)s")
                    % {"date": date_format(entry.date, "D j M")},
                    required=False,
                    max_length=MAX_REPLY_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def chosen(self) -> set[int]:
        return set(parsing.ids(self.data.getlist("entry"))) if self.is_bound else set()

    def clean(self):
        cleaned = super().clean()
        entries = list(self.entries.filter(pk__in=self.chosen()).values_list("pk", flat=True))
        cleaned["entries"] = entries
        cleaned["replies"] = {
            pk: cleaned.get(f"reply-{pk}", "") for pk in entries if f"reply-{pk}" in self.fields
        }
        return cleaned


# Supervisors who join by invitation, and cohorts ----------------------------------------


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class SupervisorInvitationForm(forms.Form):
    """Who to invite, where, and the placement's dates. `trainee_email` only when the host's
    admin or a registrar invites (a trainee invites for themselves)."""

    trainee_email = forms.EmailField(label=_("Trainee's email address"))
    host = IdChoiceField(
        label=_("Organisation where the placement is"),
        queryset=None,
        help_text=_("The placement host. Ask your training provider if it is not listed."),
    )
    name = forms.CharField(label=_("Supervisor's name"), max_length=200)
    email = forms.EmailField(
        label=_("Supervisor's email address"),
        help_text=_("The invitation goes here. It works once, for 14 days."),
    )
    job_role = forms.CharField(
        label=_("Their role there (optional)"),
        max_length=150,
        required=False,
        help_text=_("For example: peer support team lead."),
    )
    qualification = forms.CharField(
        label=_("Their qualification"),
        max_length=250,
        help_text=_("For example: Certified Peer Recovery Specialist. They confirm it."),
    )
    starts_on = _date_field(_("Placement starts"))
    ends_on = _date_field(_("Placement ends"))

    def __init__(self, *args, hosts, with_trainee: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts
        if not with_trainee:
            del self.fields["trainee_email"]
        if hosts.count() == 1:
            self.fields["host"].initial = hosts.first().pk


class JoinForm(forms.Form):
    """What a new supervisor gives when they accept: names and a password (unless they are
    signed in already), and their qualification with its expiry and a copy of it."""

    qualification = forms.CharField(
        label=_("Your qualification"),
        max_length=250,
        help_text=_("As it should appear on what you sign."),
    )
    qualification_expires = _date_field(
        _("It expires on (optional)"),
        required=False,
        help_text=_("Leave empty if it does not expire."),
    )
    file = forms.FileField(
        label=_("A copy of the certificate"),
        help_text=_("PDF, PNG or JPEG, up to 5 MB. A photo of it is fine."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class CohortUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Cohort file (CSV)"),
        help_text=_(
            "First row: trainee_email, trainee_name, and optionally supervisor_email, "
            "supervisor_name, supervisor_role, qualification, starts_on, ends_on "
            "(dates as YYYY-MM-DD)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ApprovalForm(ReauthenticationForm):
    """Approving a supervisor's qualification: their signatures count from then on, so it
    is confirmed like a signature."""
