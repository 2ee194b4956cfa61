"""The desk's filters: a credential, a cohort, a standing. Unknown values are refused at
their field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort

from .services import Standing


class DeskFilterForm(forms.Form):
    credential = forms.ChoiceField(label=_("Credential"), required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.order_by("-start_date", "name"),
        required=False,
        empty_label=_("Everybody"),
    )
    standing = forms.ChoiceField(
        label=_("Standing"),
        required=False,
        choices=[("", _("Every standing")), *Standing.LABELS.items()],
    )

    def __init__(self, *args, credentials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].choices = [("", _("Every credential")), *credentials]
