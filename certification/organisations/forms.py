"""Forms for organisations (roster check) and holders sharing a certificate. They check the
shape of the input; the services have the last word."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lms.fields import IdChoiceField
from lms.uploads import check_upload

from .services import ROSTER_MAX_BYTES

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
