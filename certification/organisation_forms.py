"""Forms for organisations (roster check), holders sharing a certificate, and continuing
education. They check the shape of the input; the services have the last word."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.fields import IdChoiceField
from lms.uploads import check_upload

from .services.organisations import ROSTER_MAX_BYTES
from .services.renewal import (
    ce_topics,
    validate_ce_date,
    validate_ce_hours,
    validate_evidence_file,
)

ROSTER_EXTENSIONS = ("csv", "txt", "tsv")


class RosterForm(forms.Form):
    roster = forms.FileField(
        label=_("Roster file (CSV)"),
        required=False,
        help_text=_(
            "A .csv file with a certificate code on each row, or a name and a code. A header "
            'row such as "Name,Code" is optional. At most 5,000 rows and 2 MB.'
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,text/csv"}),
    )
    codes = forms.CharField(
        label=_("Or paste codes"),
        required=False,
        max_length=ROSTER_MAX_BYTES,
        help_text=_("One code on each line, or a name, a comma and a code."),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_roster(self):
        upload = self.cleaned_data.get("roster")
        if not upload:
            return None
        if upload.size > ROSTER_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is 2 MB. Split it into smaller files.")
                % {"size": upload.size / 1024 / 1024}
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        head = upload.read(8)
        upload.seek(0)
        # A workbook, by name or by content (zip or the old OLE format), gets the same advice.
        workbook = head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
        if workbook or extension in ("xlsx", "xls", "ods", "numbers"):
            raise ValidationError(
                _(
                    'This is a spreadsheet workbook. In your spreadsheet choose "Save as" and '
                    'the format "CSV", then upload that file.'
                )
            )
        if extension not in ROSTER_EXTENSIONS:
            raise ValidationError(_("Upload a CSV file (a name ending in .csv)."))
        # By content too: a PDF or a workbook renamed to .csv is refused here, by name.
        check_upload(
            upload, extensions=ROSTER_EXTENSIONS, max_bytes=ROSTER_MAX_BYTES, what=_("a CSV")
        )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("roster") and not cleaned.get("codes", "").strip():
            raise ValidationError(_("Choose a CSV file, or paste some codes."))
        return cleaned

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data.get("roster")
        if upload:
            return upload.read()
        return self.cleaned_data["codes"].encode("utf-8")


class ShareForm(forms.Form):
    organisation = IdChoiceField(
        label=_("Employer to share it with"),
        queryset=None,
        empty_label=_("Choose an employer"),
        error_messages={"required": _("Choose an employer from the list.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ContinuingEducationForm(forms.Form):
    title = forms.CharField(
        label=_("What you did"),
        max_length=200,
        help_text=_("For example: Ethics in peer work, a one-day workshop."),
        error_messages={"required": _("Say what you did, for example the course title.")},
    )
    provider = forms.CharField(
        label=_("Who provided it (optional)"), max_length=200, required=False
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=())
    hours = forms.CharField(
        label=_("Hours"),
        max_length=12,
        help_text=_("Hours of learning, for example 1.5 for an hour and a half."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Give the number of hours.")},
    )
    completed_on = forms.DateField(
        label=_("Date completed"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date you completed it."),
            "invalid": _("Give a real date, for example 2026-03-14."),
        },
    )
    evidence_text = forms.CharField(
        label=_("Evidence (optional)"),
        max_length=2000,
        required=False,
        help_text=_("For example a certificate number, or who can confirm you took part."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_file = forms.FileField(
        label=_("Evidence document (optional)"),
        required=False,
        help_text=_("A PDF, PNG or JPEG of at most 5 MB, such as a certificate of attendance."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Choose a topic")), *ce_topics()]

    def clean_hours(self):
        return validate_ce_hours(self.cleaned_data["hours"])

    def clean_completed_on(self):
        return validate_ce_date(self.cleaned_data["completed_on"], today=timezone.localdate())

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            validate_evidence_file(upload)
        return upload
