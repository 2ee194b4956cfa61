from django import forms
from django.utils.translation import gettext_lazy as _

from lms.parsing import hours_mapping

from .models import DocumentType


class RequirementsForm(forms.Form):
    """A registrar's new version of a board credential's requirements. Opens with the current
    version's figures; saving writes a new version, never an edit."""

    training_total = forms.DecimalField(
        label=_("Training hours in total"), min_value=0, max_value=5000, required=False
    )
    training_by_domain = forms.CharField(
        label=_("Training hours by domain"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line as “framework/domain: hours”, e.g. icrc-pr/ethics: 16."),
    )
    face_to_face_percent = forms.IntegerField(
        label=_("Face-to-face share of training (%)"), min_value=0, max_value=100, required=False
    )
    experience_hours = forms.DecimalField(
        label=_("Experience hours"), min_value=0, max_value=20000, required=False
    )
    supervision_hours = forms.DecimalField(
        label=_("Supervision hours"), min_value=0, max_value=5000, required=False
    )
    exam_required = forms.BooleanField(label=_("An exam is required"), required=False)
    exam_name = forms.CharField(label=_("Exam"), max_length=200, required=False)
    documents = forms.MultipleChoiceField(
        label=_("Documents the board asks for"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    change_note = forms.CharField(
        label=_("What changed, and where you saw it"),
        max_length=250,
        help_text=_("For example: “Training by domain from the board's 2027 handbook, p. 4”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = list(DocumentType.objects.values_list("code", "title"))

    @classmethod
    def initial_from(cls, rules: dict) -> dict:
        training = rules.get("training") or {}
        share = training.get("face_to_face_share_min")
        return {
            "training_total": training.get("total"),
            "training_by_domain": "\n".join(
                f"{k}: {v:g}" for k, v in (training.get("by_domain") or {}).items()
            ),
            "face_to_face_percent": round(share * 100) if share else None,
            "experience_hours": (rules.get("experience") or {}).get("hours"),
            "supervision_hours": (rules.get("supervision") or {}).get("hours"),
            "exam_required": bool((rules.get("exam") or {}).get("required")),
            "exam_name": (rules.get("exam") or {}).get("name", ""),
            "documents": list(rules.get("documents") or []),
        }

    def clean_training_by_domain(self):
        found = hours_mapping(self.cleaned_data["training_by_domain"])
        if found is None:
            raise forms.ValidationError(
                _(
                    "Write one domain per line as “framework/domain: hours”, "
                    "e.g. icrc-pr/ethics: 16."
                )
            )
        bad = [key for key in found if key.count("/") != 1]
        if bad:
            raise forms.ValidationError(
                _("“%(key)s” is not a framework/domain code.") % {"key": bad[0]}
            )
        return found

    def clean(self):
        data = super().clean()
        if data.get("exam_required") and not (data.get("exam_name") or "").strip():
            self.add_error("exam_name", _("Name the exam the board requires."))
        return data
