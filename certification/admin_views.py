"""Registrar views in the Wagtail admin: issuing a certificate manually, with a reason."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from lms.accounts.models import User

from . import services
from .exceptions import CredentialError
from .models import Credential
from .permissions import can_manage_certificates


class ManualIssueForm(forms.Form):
    email = forms.EmailField(label=_("Trainee's email address"))
    credential = forms.ModelChoiceField(
        label=_("Credential"), queryset=Credential.objects.issued_by_product()
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Why this certificate is issued without every requirement met in Peerpath, e.g. "
            "recognition of prior learning. Kept with the certificate and in the audit trail."
        ),
    )

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(_("No one has an account with that address."))
        self.trainee = user
        return self.cleaned_data["email"]


def issue_manually(request):
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    form = ManualIssueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                certificate, created = services.issue_certificate(
                    trainee=form.trainee,
                    credential_code=form.cleaned_data["credential"].code,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except CredentialError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if created:
                    messages.success(request, _("Certificate issued; its PDF is being prepared."))
                else:
                    messages.warning(
                        request, _("That trainee already holds this certificate; nothing changed.")
                    )
                return redirect("wagtailadmin_home")
        else:
            status = 400
    return TemplateResponse(
        request,
        "certification/admin/issue_manually.html",
        {
            "form": form,
            "title": _("Issue a certificate"),
            "intro": _(
                "Issue a certificate without every requirement met in Peerpath (recognition "
                "of prior learning). The trainee must have confirmed their name. The reason is "
                "kept with the certificate and the issue is recorded in the audit trail."
            ),
            "submit": _("Issue the certificate"),
        },
        status=status,
    )


class CertificateNameForm(forms.Form):
    email = forms.EmailField(label=_("Holder's email address"))
    name = forms.CharField(
        label=_("Name as it should appear on certificates"),
        max_length=200,
        help_text=_(
            "For certificates issued from now on. An issued certificate keeps the name it "
            "was issued with until it is replaced."
        ),
    )

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(_("No one has an account with that address."))
        self.holder = user
        return self.cleaned_data["email"]


def change_certificate_name(request):
    """After the first certificate, a holder's name changes only here (audited)."""
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    form = CertificateNameForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_certificate_name(
                    registrar=request.user, user=form.holder, name=form.cleaned_data["name"]
                )
            except CredentialError as error:
                form.add_error("name", error.message)
                status = error.status
            else:
                messages.success(request, _("The name on certificates is changed."))
                return redirect("wagtailadmin_home")
        else:
            status = 400
    return TemplateResponse(
        request,
        "certification/admin/issue_manually.html",
        {
            "form": form,
            "title": _("Change a name on certificates"),
            "intro": _(
                "Holders confirm their own name before their first certificate; after that, "
                "a change goes through a registrar and is recorded in the audit trail."
            ),
            "submit": _("Change the name"),
        },
        status=status,
    )
