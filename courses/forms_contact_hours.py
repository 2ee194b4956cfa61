"""Forms for proposing and deciding contact hours. Hours by domain are typed one per line
("icrc-pr/ethics = 8"), which works on a phone and for any framework; the service checks
every key against the frameworks and every number."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.hours import Delivery


def parse_domain_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """{key: hours} from lines of "key = hours" (or "key: hours"), and the lines that did
    not read as that."""
    found, bad = {}, []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in ("=", ":", " "):
            key, sep, value = line.rpartition(separator)
            if sep and key.strip() and value.strip():
                found[key.strip()] = value.strip()
                break
        else:
            bad.append(line)
    return found, bad


class ContactHoursForm(forms.Form):
    title = forms.CharField(
        label=_("Title as approved"),
        max_length=255,
        help_text=_("As it will appear on certificates and training records."),
    )
    total = forms.DecimalField(
        label=_("Contact hours"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("Rounded down to the quarter hour."),
    )
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.CHOICES)
    face_to_face = forms.DecimalField(
        label=_("Face-to-face hours (blended courses only)"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    hours_by_domain = forms.CharField(
        label=_("Hours by domain"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_(
            "One domain per line: its framework code, then the hours, for example "
            "icrc-pr/ethics = 8. Per framework the domains add up to at most the total."
        ),
    )

    def clean_hours_by_domain(self):
        found, bad = parse_domain_lines(self.cleaned_data.get("hours_by_domain", ""))
        if bad:
            raise forms.ValidationError(
                _("Write each line as a domain code, then = and the hours: %(lines)s")
                % {"lines": "; ".join(bad)}
            )
        return found


class ReturnContactHoursForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the hours are returned"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The trainer sees this. Say what to correct."),
    )
