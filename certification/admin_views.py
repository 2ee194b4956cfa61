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
        request, "certification/admin/issue_manually.html", {"form": form}, status=status
    )
