"""Forms for the trainee's wellbeing space (statement and check-ins)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts.forms import ReauthenticationForm

ENERGY_CHOICES = [
    (1, _("1, very low")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5, very high")),
]
STRESS_CHOICES = [
    (1, _("1, very calm")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5, very stressed")),
]


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your lived-experience statement"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "As much or as little as you want to say, in your own words. You can change it or "
            "empty it at any time."
        ),
    )
    share_with_supervisor = forms.BooleanField(
        label=_("Let my current supervisor read this statement"),
        required=False,
        help_text=_("Only your current practicum supervisor, only while this box is ticked."),
    )


class CheckInForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    energy = forms.TypedChoiceField(
        label=_("Your energy today"),
        choices=ENERGY_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    stress = forms.TypedChoiceField(
        label=_("Your stress today"),
        choices=STRESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you can read this."),
    )
    tell_supervisor = forms.BooleanField(
        label=_("I'd like my supervisor to know I'm struggling"),
        required=False,
        help_text=_(
            "Your supervisor sees only that you asked, and the date: not your scores or note."
        ),
    )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or an earlier day."))
        return value


class ErasureRequestForm(ReauthenticationForm):
    """A person asks for their data to be erased: a ticked box and, when the window has
    passed, their password."""

    confirm = forms.ChoiceField(
        label=_("I want my personal data erased"),
        choices=[("yes", _("Yes"))],
        error_messages={
            "required": _("Tick the box to confirm that you want your data erased."),
            "invalid_choice": _("Tick the box to confirm that you want your data erased."),
        },
    )


class ErasureCompleteForm(ReauthenticationForm):
    """A registrar confirms an erasure ("Erase now") after reading what it will do."""
