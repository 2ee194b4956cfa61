from django import forms
from django.utils.translation import gettext_lazy as _

from lms.accounts.forms import ReauthenticationForm

from .models import Section


class BuildForm(forms.Form):
    """What to include, and whether it is a draft."""

    sections = forms.MultipleChoiceField(
        label=_("What to include"),
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=Section.values,
        help_text=_(
            "Nothing you wrote about your own experience (descriptions, reflections, notes, "
            "accounts or comments) is ever included."
        ),
    )
    draft = forms.BooleanField(
        label=_("Make it a draft (marked DRAFT on every page and in the record)"),
        required=False,
        initial=True,
    )


class ConfirmForm(ReauthenticationForm):
    """The supervisor's one action, re-authenticated like every signature."""

    confirm = forms.BooleanField(
        label=_("I confirm the statement above"),
        required=True,
        error_messages={"required": _("Tick to confirm the statement, or leave this page.")},
    )

    field_order = ["confirm", "password", "otp"]
