"""Forms for outside training and the registrar's decision. They check the shape of the
input at each field; the services have the last word (their refusals land at the same
fields through `lms.formviews.submit`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from certification.standards.services.training import training_topics
from lms.hours import Delivery

from . import services


class OutsideTrainingForm(forms.Form):
    title = forms.CharField(
        label=_("Training title"),
        max_length=200,
        help_text=_("As it appears on the certificate."),
        error_messages={"required": _("Give the training's title, as on its certificate.")},
    )
    provider = forms.CharField(
        label=_("Provider"),
        max_length=200,
        help_text=_("Who delivered it, for example a recovery community organisation."),
        error_messages={"required": _("Say who provided the training.")},
    )
    completed_on = forms.DateField(
        label=_("Date completed"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date you completed it."),
            "invalid": _("Give a real date, for example 2026-03-14."),
        },
    )
    hours = forms.CharField(
        label=_("Hours in all"),
        max_length=12,
        help_text=_("The hours on the certificate, for example 7.5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Give the number of hours.")},
    )
    delivery = forms.ChoiceField(label=_("How it was delivered"), choices=Delivery.CHOICES)
    live_hours = forms.CharField(
        label=_("Hours taught live (blended only)"),
        max_length=12,
        required=False,
        help_text=_("For blended training: how many of the hours were live or in person."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics it covered"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    certificate = forms.FileField(
        label=_("Certificate"),
        help_text=_("A PDF, PNG or JPEG of at most 5 MB, showing the hours it was approved for."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        error_messages={"required": _("Upload the training's certificate, showing its hours.")},
    )

    def __init__(self, *args, certificate_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = training_topics()
        self.fields["certificate"].required = certificate_required
        if not certificate_required:
            self.fields["certificate"].label = _("A new certificate (optional)")
        self.domains = services.domain_choices()
        for key, label in self.domains:
            self.fields[services.domain_field(key)] = forms.CharField(
                label=_("Hours in %(domain)s") % {"domain": label},
                max_length=12,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        # The split by domain right after the hours in all, as a certificate shows them.
        self.order_fields(
            ["title", "provider", "completed_on", "hours"]
            + [services.domain_field(key) for key, _label in self.domains]
        )

    def clean_hours(self):
        return self._hours(self.cleaned_data["hours"])

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if upload:
            services.validate_certificate(upload)
        return upload

    def _hours(self, value, allow_zero=False):
        return services.parse_hours(value, allow_zero=allow_zero)

    def clean(self):
        data = super().clean()
        for key, _label in self.domains:
            name = services.domain_field(key)
            if name in data:
                try:
                    data[name] = self._hours(data[name], allow_zero=True)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "provider": data["provider"],
            "completed_on": data["completed_on"],
            "hours": data["hours"],
            "hours_by_domain": {
                key: data[services.domain_field(key)]
                for key, _label in self.domains
                if data.get(services.domain_field(key))
            },
            "delivery": data["delivery"],
            "live_hours": data.get("live_hours"),
            "topics": data.get("topics") or [],
            "certificate": data.get("certificate") or None,
        }

    @classmethod
    def initial_from(cls, record) -> dict:
        initial = {
            "title": record.title,
            "provider": record.provider,
            "completed_on": record.completed_on,
            "hours": f"{record.hours.normalize():f}",
            "delivery": record.delivery,
            "live_hours": f"{record.live_hours.normalize():f}" if record.live_hours else "",
            "topics": list(record.topics),
        }
        for key, hours in (record.hours_by_domain or {}).items():
            initial[services.domain_field(key)] = hours
        return initial


class DecisionForm(forms.Form):
    """A registrar verifies the training or returns it with a reason."""

    VERIFY, RETURN = "verify", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (VERIFY, _("Verify: the certificate shows these hours")),
            (RETURN, _("Return to the trainee")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to verify or return it.")},
    )
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the trainee should change, for example the hours the certificate shows."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Say why you are returning it, so the trainee knows what to change.")
            )
        return data
