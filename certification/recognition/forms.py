from django import forms
from django.utils.translation import gettext_lazy as _

from certification.standards.models import Credential
from courses.models import CoursePage
from lms.parsing import hours_mapping
from lms.uploads import check_upload

from .models import PriorLearningClaim

EVIDENCE_TYPES = ("pdf", "png", "jpg", "jpeg", "docx", "odt")
EVIDENCE_MAX_BYTES = 10 * 2**20


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask credit for?"),
        choices=PriorLearningClaim.Kind.choices,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("What you did"),
        max_length=200,
        help_text=_("The training, role or qualification, e.g. “Mental Health First Aid, 2024”."),
    )
    provider = forms.CharField(
        label=_("Who provided or supervised it"), max_length=200, required=False
    )
    completed_on = forms.DateField(
        label=_("When you finished it"), widget=forms.DateInput(attrs={"type": "date"})
    )
    course_slug = forms.ChoiceField(label=_("Course (for a course)"), required=False)
    hours_by_domain = forms.CharField(
        label=_("Training hours by domain (for training hours)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line as “framework/domain: hours”, e.g. icrc-pr/ethics: 6."),
    )
    hours = forms.DecimalField(
        label=_("Practicum hours (for practicum hours)"),
        min_value=0.25,
        max_value=2000,
        decimal_places=2,
        required=False,
    )
    credential_code = forms.ChoiceField(
        label=_("Credential the practicum hours count toward"), required=False
    )
    competency_key = forms.CharField(
        label=_("Competency (for a competency)"),
        max_length=100,
        required=False,
        help_text=_("Its code as on the frameworks pages, e.g. samhsa-pw-2015/III.3."),
    )
    description = forms.CharField(
        label=_("How it meets the requirement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("Only you and the assessor read this. It never appears on a certificate."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A certificate, transcript or letter: PDF, image or document, up to 10 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course_slug"].choices = [("", "—")] + [
            (c.slug, c.title) for c in CoursePage.objects.live().order_by("title")
        ]
        self.fields["credential_code"].choices = [("", "—")] + [
            (c.code, str(c)) for c in Credential.objects.issued_by_product()
        ]

    def clean_hours_by_domain(self):
        found = hours_mapping(self.cleaned_data["hours_by_domain"])
        if found is None:
            raise forms.ValidationError(
                _("Write one domain per line as “framework/domain: hours”, e.g. icrc-pr/ethics: 6.")
            )
        return found

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            check_upload(
                upload, extensions=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, what="an evidence"
            )
        return upload


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (PriorLearningClaim.Status.ACCEPTED, _("Accept")),
            (PriorLearningClaim.Status.PARTLY_ACCEPTED, _("Accept in part (fewer hours)")),
            (PriorLearningClaim.Status.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    granted_hours = forms.DecimalField(
        label=_("Hours accepted (in part only)"), min_value=0, max_value=2000, required=False
    )
    reason = forms.CharField(
        label=_("Reason (the trainee reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
