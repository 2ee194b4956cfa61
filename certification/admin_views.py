"""Registrar views in the Wagtail admin: issuing a certificate manually, with a reason, and
revoking, suspending, reinstating or replacing one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from certification.standards.models import Credential
from lms.accounts import reauth
from lms.accounts.models import User
from lms.fields import IdChoiceField

from . import services
from .exceptions import CredentialError
from .models import Certificate
from .permissions import can_manage_certificates
from .services.lifecycle import LifecycleError


def _person_with_email(email):
    """The account with this address (case-insensitive), or a form error saying there is none."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise forms.ValidationError(_("No one has an account with that address."))
    return user


class ConfirmedForm(forms.Form):
    """A registrar's signature: the password (and authenticator code) fields that
    `lms.accounts.reauth` asks for once its window has passed."""

    password = forms.CharField(label=_("Your password"), required=False, widget=forms.PasswordInput)
    otp = forms.CharField(label=_("Code from your authenticator app"), required=False)


def _confirmed(request, form) -> bool:
    """Whether the signature may go ahead now; if not, the form says why (and keeps
    everything else that was typed)."""
    problem = reauth.confirm(request, form.cleaned_data["password"])
    if problem:
        form.add_error(None, problem)
    return problem is None


class ManualIssueForm(ConfirmedForm):
    email = forms.EmailField(label=_("Trainee's email address"))
    credential = IdChoiceField(
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
        self.trainee = _person_with_email(self.cleaned_data["email"])
        return self.cleaned_data["email"]


def issue_manually(request):
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    form = ManualIssueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid() or not _confirmed(request, form):
            status = 400
        else:
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
    return TemplateResponse(
        request,
        "certification/admin/issue_manually.html",
        {
            "form": form,
            "needs_password": reauth.needs_password(request),
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
        self.holder = _person_with_email(self.cleaned_data["email"])
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


class LifecycleForm(ConfirmedForm):
    ACTIONS = [
        ("revoke", _("Revoke (permanent)")),
        ("suspend", _("Suspend (reversible)")),
        ("reinstate", _("Reinstate a suspended certificate")),
        ("replace", _("Replace with a corrected copy (new code; the old one shows “replaced”)")),
    ]
    action = forms.ChoiceField(label=_("What to do"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept for registrars and the audit trail; never shown publicly."),
    )
    holder_name = forms.CharField(
        label=_("Corrected name (replacement only)"), required=False, max_length=200
    )


def certificate_lifecycle(request, pk):
    """Revoke, suspend, reinstate or replace one certificate (registrars), confirmed with the
    password (and authenticator code) like every signature."""
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    certificate = get_object_or_404(Certificate, pk=pk)
    form = LifecycleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid() or not _confirmed(request, form):
            status = 400
        else:
            try:
                result = _apply(request.user, certificate, form.cleaned_data)
            except LifecycleError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, result)
                return redirect("certificate:inspect", certificate.pk)
    return TemplateResponse(
        request,
        "certification/admin/certificate_lifecycle.html",
        {
            "form": form,
            "certificate": certificate,
            "public": services.public_status(certificate),
            "title": _("Revoke, suspend or replace"),
            "needs_password": reauth.needs_password(request),
        },
        status=status,
    )


def _apply(registrar, certificate, data) -> str:
    action, reason = data["action"], data["reason"]
    if action == "revoke":
        services.revoke_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason=reason
        )
        return _("Revoked. The public page and the status list show it now.")
    if action == "suspend":
        services.suspend_certificate(
            registrar=registrar, certificate_id=certificate.pk, reason=reason
        )
        return _("Suspended.")
    if action == "reinstate":
        services.reinstate_certificate(registrar=registrar, certificate_id=certificate.pk)
        return _("Reinstated.")
    new = services.replace_certificate(
        actor=registrar,
        certificate_id=certificate.pk,
        reason=reason,
        holder_name=data["holder_name"] or None,
    )
    return _("Replaced by %(code)s; its PDF is being prepared.") % {"code": new.grouped_code}
