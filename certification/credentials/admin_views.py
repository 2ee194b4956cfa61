"""Registrar views in the Wagtail admin: issuing a certificate manually, with a reason, and
revoking, suspending, reinstating or replacing one."""

import copy

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from certification.standards.models import Credential
from lms import formviews
from lms.accounts.forms import ReauthenticationForm
from lms.accounts.models import User
from lms.fields import IdChoiceField

from .models import Certificate
from .permissions import can_manage_certificates
from .services import certificates as certificate_services
from .services import credentials as credential_services
from .services import lifecycle as lifecycle_services
from .services.lifecycle import LifecycleError, check_move


def _person_with_email(email):
    """The account with this address (case-insensitive), or a form error saying there is none."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise forms.ValidationError(_("No one has an account with that address."))
    return user


class ManualIssueForm(ReauthenticationForm):
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
    form = ManualIssueForm(request.POST or None, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: certificate_services.issue_certificate(
            trainee=form.trainee,
            credential_code=data["credential"].code,
            actor=request.user,
            reason=data["reason"],
        ),
    )
    if outcome.done:
        _certificate, created = outcome.result
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
            "title": _("Issue a certificate"),
            "intro": _(
                "Issue a certificate without every requirement met in Peerpath (recognition "
                "of prior learning). The trainee must have confirmed their name. The reason is "
                "kept with the certificate and the issue is recorded in the audit trail."
            ),
            "submit": _("Issue the certificate"),
        },
        status=outcome.status,
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
    outcome = formviews.submit(
        request,
        form,
        lambda data: credential_services.set_certificate_name(
            registrar=request.user, user=form.holder, name=data["name"]
        ),
        error_field="name",
    )
    if outcome.done:
        messages.success(request, _("The name on certificates is changed."))
        return redirect("wagtailadmin_home")
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
        status=outcome.status,
    )


REASON_NEEDED = _("Give the reason for the record (it is never shown publicly).")


class LifecycleChoiceForm(forms.Form):
    """What a registrar means to do to a certificate, and why: the first of two steps."""

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
    category = forms.ChoiceField(
        label=_("Kind of reason (revoke or suspend)"),
        choices=[("", _("Not given (revoke: another reason; suspend: under review)"))]
        + list(Certificate.Reason.choices),
        required=False,
        help_text=_("The holder is told this, never your own words, by email and on their page."),
    )
    holder_name = forms.CharField(
        label=_("Corrected name (replacement only)"), required=False, max_length=200
    )

    def __init__(self, *args, certificate, **kwargs):
        super().__init__(*args, **kwargs)
        self.certificate = certificate

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action is None:
            return cleaned
        if action != "reinstate" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", REASON_NEEDED)
        try:
            check_move(self.certificate, action)
        except LifecycleError as refused:
            self.add_error("action", refused.message)
        return cleaned


class LifecycleForm(ReauthenticationForm, LifecycleChoiceForm):
    """The second step: the same choice, carried in hidden fields under a statement of what
    will happen, signed with the password (and code) when the window has passed."""

    confirmed = forms.CharField(widget=forms.HiddenInput, initial="yes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("action", "reason", "holder_name"):
            self.fields[name].widget = forms.HiddenInput()


def consequences(certificate, action: str, holder_name: str = "") -> list[str]:
    """What the action will do, said plainly, with what the public check will answer
    afterwards (worked out by `public_status` on the certificate as it would then be)."""
    now = timezone.now()
    after = copy.copy(certificate)
    if action == "revoke":
        after.status, after.revoked_at = Certificate.Status.REVOKED, now
    elif action == "suspend":
        after.suspended_at = now
    elif action == "reinstate":
        after.suspended_at = None
    else:
        after.status, after.replaced_at = Certificate.Status.REPLACED, now
    public = lifecycle_services.public_status(after)
    says = _(
        "The public check of %(code)s (the verify page, its JSON and the roster check) "
        "will say “%(label)s”%(date)s."
    ) % {
        "code": certificate.grouped_code,
        "label": public.label,
        "date": f" ({date_format(public.on, 'j F Y')})" if public.on else "",
    }
    lines = [says]
    if action == "revoke":
        lines += [
            _("The signed status list marks it revoked, so verifiers outside Peerpath see it too."),
            _(
                "Revocation is permanent: it cannot be undone. If the certificate only needs to "
                "be held while something is looked into, suspend it instead."
            ),
        ]
    elif action == "suspend":
        lines.append(
            _("Suspension can be undone: a registrar can reinstate the certificate later.")
        )
    elif action == "reinstate":
        lines.append(_("The suspension is lifted; the certificate verifies as issued again."))
    else:
        lines.append(
            _(
                "A new certificate with a new code is issued in the name “%(name)s” and its PDF "
                "is prepared; the old code keeps answering, pointing to the new one."
            )
            % {"name": holder_name or certificate.holder_name}
        )
    lines.append(_("The reason is kept for registrars and the audit trail, never shown publicly."))
    return lines


CONFIRM_BUTTONS = {
    "revoke": _("Revoke permanently"),
    "suspend": _("Suspend"),
    "reinstate": _("Reinstate"),
    "replace": _("Replace"),
}


def certificate_lifecycle(request, pk):
    """Revoke, suspend, reinstate or replace one certificate (registrars), in two steps: the
    choice, then a page saying exactly what will happen, confirmed with the password (and
    authenticator code) like every signature. Only the confirmed POST changes anything."""
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    certificate = get_object_or_404(Certificate, pk=pk)
    context = {
        "certificate": certificate,
        "public": lifecycle_services.public_status(certificate),
        "title": _("Revoke, suspend or replace"),
    }
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        form = LifecycleForm(request.POST, request=request, certificate=certificate)
        outcome = formviews.submit(
            request, form, lambda data: _apply(request.user, certificate, data)
        )
        if outcome.done:
            messages.success(request, outcome.result)
            return redirect("certificate:inspect", certificate.pk)
        return _confirmation(request, form, context, status=outcome.status)
    choice = LifecycleChoiceForm(request.POST or None, certificate=certificate)
    if request.method == "POST" and choice.is_valid():
        form = LifecycleForm(request=request, certificate=certificate, initial=choice.cleaned_data)
        return _confirmation(request, form, context, choice=choice.cleaned_data)
    return TemplateResponse(
        request,
        "certification/admin/certificate_lifecycle.html",
        {**context, "form": choice},
        status=400 if request.method == "POST" else 200,
    )


def _confirmation(request, form, context, *, choice=None, status=200):
    """The page that says what will happen and asks for the signature."""
    if choice is None:
        choice = {name: form.data.get(name, "") for name in ("action", "reason", "holder_name")}
    action = choice["action"]
    known = action in CONFIRM_BUTTONS
    return TemplateResponse(
        request,
        "certification/admin/certificate_lifecycle_confirm.html",
        {
            **context,
            "form": form,
            "action_label": dict(LifecycleChoiceForm.ACTIONS).get(action, ""),
            "consequences": consequences(
                context["certificate"], action, choice.get("holder_name") or ""
            )
            if known
            else [],
            "button": CONFIRM_BUTTONS.get(action, _("Confirm")),
            "reason": choice.get("reason", ""),
        },
        status=status,
    )


def _apply(registrar, certificate, data) -> str:
    action, reason = data["action"], data["reason"]
    if action == "revoke":
        lifecycle_services.revoke_certificate(
            registrar=registrar,
            certificate_id=certificate.pk,
            reason=reason,
            category=data["category"] or Certificate.Reason.OTHER,
        )
        return _("Revoked. The public page and the status list show it now.")
    if action == "suspend":
        lifecycle_services.suspend_certificate(
            registrar=registrar,
            certificate_id=certificate.pk,
            reason=reason,
            category=data["category"] or Certificate.Reason.UNDER_REVIEW,
        )
        return _("Suspended.")
    if action == "reinstate":
        lifecycle_services.reinstate_certificate(registrar=registrar, certificate_id=certificate.pk)
        return _("Reinstated.")
    new = lifecycle_services.replace_certificate(
        actor=registrar,
        certificate_id=certificate.pk,
        reason=reason,
        holder_name=data["holder_name"] or None,
    )
    return _("Replaced by %(code)s; its PDF is being prepared.") % {"code": new.grouped_code}
