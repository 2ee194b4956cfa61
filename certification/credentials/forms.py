"""Forms for credentials: the admin form (the credential's own fields plus its rules, which are
saved as a new version whenever they change; earlier versions stay for the trainees assessed
on them), and the holder's continuing-education record. They check the shape of the input;
the services have the last word."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from certification.exams import catalogue as exam_catalogue
from certification.standards.models import Credential
from certification.standards.services import credentials as standards_credentials
from certification.standards.services.training import domain_titles

from .services.renewal import ce_topics, validate_ce_date, validate_ce_hours, validate_evidence_file


def _lines(text: str) -> list[str]:
    return [
        line.strip() for line in str(text or "").replace(",", "\n").splitlines() if line.strip()
    ]


def _mapping(text: str, label: str) -> dict[str, float]:
    result = {}
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        key, sep, value = line.rpartition(":")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or not key.strip() or number is None or number < 0:
            raise forms.ValidationError(
                _("Write one %(label)s per line as “code: hours”, e.g. icrc-pr/ethics: 6.")
                % {"label": label}
            )
        result[key.strip()] = number
    return result


class CredentialForm(WagtailAdminModelForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    alignment_statement = forms.CharField(
        label=_("Alignment statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            'Printed on certificates. Say "aligned to" or "mapped to", never "approved by".'
        ),
    )
    required_courses = forms.CharField(
        label=_("Required courses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Course slugs, one per line."),
    )
    min_quiz_score = forms.IntegerField(
        label=_("Minimum quiz score (%)"), min_value=0, max_value=100, initial=0
    )
    experience_hours = forms.DecimalField(
        label=_("Practicum hours"), min_value=0, initial=0, max_digits=7, decimal_places=2
    )
    direct_service_share_min = forms.DecimalField(
        label=_("Minimum direct-service share"),
        min_value=0,
        max_value=1,
        initial=0,
        max_digits=4,
        decimal_places=3,
        help_text=_("0.5 means at least half of the practicum hours are direct service."),
    )
    supervision_hours = forms.DecimalField(
        label=_("Supervision hours"), min_value=0, initial=0, max_digits=7, decimal_places=2
    )
    hours_by_domain = forms.CharField(
        label=_("Practicum hours by domain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: framework/domain code: hours."),
    )
    training_hours = forms.DecimalField(
        label=_("Training hours"),
        min_value=0,
        initial=0,
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=_(
            "Education hours in total: courses, live sessions and verified outside training."
        ),
    )
    training_hours_by_domain = forms.CharField(
        label=_("Training hours by domain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: framework/domain code: hours, e.g. icrc-pr/ethics: 16."),
    )
    training_face_to_face_share_min = forms.DecimalField(
        label=_("Minimum face-to-face share of training"),
        min_value=0,
        max_value=1,
        initial=0,
        required=False,
        max_digits=4,
        decimal_places=3,
        help_text=_("0.5 means at least half of the training hours were taught live."),
    )
    training_topics = forms.CharField(
        label=_("Required training topics"),
        required=False,
        help_text=_("Topic codes, e.g. ethics, confidentiality."),
    )
    competency_signoffs = forms.CharField(
        label=_("Competency sign-offs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: framework/competency code, e.g. samhsa-pw-2015/III.3."),
    )
    competent_ratings = forms.IntegerField(
        label=_("“Competent” ratings needed"), min_value=1, initial=1
    )
    qualification_current = forms.BooleanField(
        label=_("Only count raters whose qualification was in date"), required=False, initial=True
    )
    attestations = forms.CharField(
        label=_("Attestations"), required=False, help_text=_("Codes, e.g. code_of_ethics.")
    )
    exam_required = forms.ChoiceField(
        label=_("Exam required"),
        required=False,
        help_text=_("A board exam that must be passed (from the boards data file)."),
    )
    validity_months = forms.IntegerField(label=_("Valid for (months)"), min_value=1, required=False)
    renewal_ce_hours = forms.DecimalField(
        label=_("Renewal: continuing-education hours"), min_value=0, required=False
    )
    renewal_period_months = forms.IntegerField(
        label=_("Renewal: period (months)"), min_value=1, required=False
    )
    renewal_min_by_topic = forms.CharField(
        label=_("Renewal: minimum hours by topic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: topic: hours, e.g. ethics: 6."),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=250, required=False)

    class Meta:
        model = Credential
        fields = ["code", "issued_by_product", "template", "retired"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam_required"].choices = [
            ("", _("No exam")),
            *((exam.key, exam.label) for exam in exam_catalogue.exams().values()),
        ]
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            renewal = version.renewal or {}
            self.initial.update(
                {
                    "title": version.title,
                    "alignment_statement": version.alignment_statement,
                    "required_courses": "\n".join(version.required_courses),
                    "min_quiz_score": version.min_quiz_score,
                    "experience_hours": version.experience_hours,
                    "direct_service_share_min": version.direct_service_share_min,
                    "supervision_hours": version.supervision_hours,
                    "hours_by_domain": "\n".join(
                        f"{k}: {v:g}" for k, v in version.hours_by_domain.items()
                    ),
                    "training_hours": version.training_hours,
                    "training_hours_by_domain": "\n".join(
                        f"{k}: {v:g}" for k, v in version.training_hours_by_domain.items()
                    ),
                    "training_face_to_face_share_min": version.training_face_to_face_share_min,
                    "training_topics": ", ".join(version.training_topics),
                    "competency_signoffs": "\n".join(version.competency_signoffs),
                    "competent_ratings": version.competent_ratings,
                    "qualification_current": version.qualification_current,
                    "attestations": ", ".join(version.attestations),
                    "exam_required": version.exam_required,
                    "validity_months": version.validity_months,
                    "renewal_ce_hours": renewal.get("ce_hours"),
                    "renewal_period_months": renewal.get("period_months"),
                    "renewal_min_by_topic": "\n".join(
                        f"{k}: {v:g}" for k, v in (renewal.get("min_by_topic") or {}).items()
                    ),
                }
            )
            self.fields["code"].disabled = True  # placements and certificates point at it

    def clean_alignment_statement(self):
        text = self.cleaned_data["alignment_statement"]
        lowered = text.lower()
        if "approved by" in lowered or "accredited by" in lowered:
            raise forms.ValidationError(_('Say "aligned to" or "mapped to", never "approved by".'))
        return text

    def clean_hours_by_domain(self):
        return _mapping(self.cleaned_data["hours_by_domain"], "domain")

    def clean_training_hours_by_domain(self):
        split = _mapping(self.cleaned_data["training_hours_by_domain"], "domain")
        unknown = sorted(set(split) - set(domain_titles(split)))
        if unknown:
            raise forms.ValidationError(
                _("No framework has the domain %(keys)s. Write framework/domain code.")
                % {"keys": ", ".join(unknown)}
            )
        return split

    def clean_training_topics(self):
        topics = _lines(self.cleaned_data["training_topics"])
        if any(not topic.replace("_", "").replace("-", "").isalnum() for topic in topics):
            raise forms.ValidationError(
                _("Write topic codes with underscores, e.g. trauma_informed_practice.")
            )
        return [topic.lower() for topic in topics]

    def clean(self):
        data = super().clean()
        total, split = data.get("training_hours"), data.get("training_hours_by_domain")
        if total and split and sum(split.values()) > float(total):
            self.add_error(
                "training_hours_by_domain",
                _("The hours by domain add up to %(sum)s, more than the %(total)s training hours.")
                % {"sum": f"{sum(split.values()):g}", "total": f"{float(total):g}"},
            )
        return data

    def clean_renewal_min_by_topic(self):
        return _mapping(self.cleaned_data["renewal_min_by_topic"], "topic")

    def rules(self) -> dict:
        data = self.cleaned_data
        renewal = {}
        if data.get("renewal_ce_hours") is not None:
            renewal["ce_hours"] = float(data["renewal_ce_hours"])
        if data.get("renewal_period_months"):
            renewal["period_months"] = data["renewal_period_months"]
        if data.get("renewal_min_by_topic"):
            renewal["min_by_topic"] = data["renewal_min_by_topic"]
        version = self.instance.current_version if self.instance.pk else None
        return {
            "title": data["title"],
            "alignment_statement": data["alignment_statement"],
            "required_courses": _lines(data["required_courses"]),
            "min_quiz_score": data["min_quiz_score"],
            "experience_hours": data["experience_hours"],
            "direct_service_share_min": data["direct_service_share_min"],
            "supervision_hours": data["supervision_hours"],
            "hours_by_domain": data["hours_by_domain"],
            "training_hours": data.get("training_hours") or 0,
            "training_hours_by_domain": data["training_hours_by_domain"],
            "training_face_to_face_share_min": data.get("training_face_to_face_share_min") or 0,
            "training_topics": data["training_topics"],
            "competency_signoffs": _lines(data["competency_signoffs"]),
            "competent_ratings": data["competent_ratings"],
            "qualification_current": data["qualification_current"],
            "attestations": _lines(data["attestations"]),
            "exam_required": data.get("exam_required") or "",
            "validity_months": data.get("validity_months"),
            "renewal": renewal,
            "extra": dict(version.extra) if version else {},
        }

    def save(self, commit=True):

        credential = super().save(commit=commit)
        standards_credentials.save_credential_version(
            credential=credential,
            actor=self.for_user,
            rules=self.rules(),
            change_note=self.cleaned_data.get("change_note") or "Edited in the admin.",
        )
        return credential


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
