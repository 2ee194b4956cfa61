"""Renewal pages: the holder's continuing-education records (add, remove, evidence), and a
certificate's renewal checklist with numbers and the button to renew (holder or registrar).
Thin: parse, check permission, call a service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.files import private_download

from .exceptions import RenewalError
from .forms import ContinuingEducationForm
from .models import Certificate, ContinuingEducation
from .permissions import can_manage_certificates, can_renew_certificate, can_see_ce_record
from .services import renewal as renewal_services


def _home(request, form, status=200):
    user = request.user
    certificates = (
        Certificate.objects.filter(
            trainee=user, status=Certificate.Status.ISSUED, kind=Certificate.Kind.CREDENTIAL
        )
        .select_related("credential_version")
        .order_by("expires_on")
    )
    return TemplateResponse(
        request,
        "certification/renewal_home.html",
        {
            "form": form,
            "records": ContinuingEducation.objects.filter(holder=user).select_related("used_for"),
            "checks": [renewal_services.renewal_check(certificate=c) for c in certificates],
        },
        status=status,
    )


@login_required
def home(request):
    """The holder's continuing education, and where each certificate stands for renewal."""
    if request.method != "POST":
        return _home(request, ContinuingEducationForm())
    form = ContinuingEducationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _home(request, form, status=400)
    data = form.cleaned_data
    try:
        renewal_services.add_ce_record(
            holder=request.user,
            title=data["title"],
            provider=data["provider"],
            topic=data["topic"],
            hours=data["hours"],
            completed_on=data["completed_on"],
            evidence_text=data["evidence_text"],
            evidence_file=data.get("evidence_file"),
        )
    except RenewalError as error:
        form.add_error(None, error.message)
        return _home(request, form, status=error.status)
    messages.success(
        request,
        _("Recorded. It counts toward your renewal once a registrar has reviewed it."),
    )
    return redirect("renewal:home")


@login_required
@require_POST
def delete_record(request, pk):
    try:
        renewal_services.delete_ce_record(holder=request.user, record_id=pk)
    except RenewalError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect("renewal:home")
    messages.success(request, _("The record is removed."))
    return redirect("renewal:home")


@login_required
def evidence(request, pk):
    """The evidence document, to the holder and registrars only (never a public URL)."""
    record = get_object_or_404(ContinuingEducation, pk=pk)
    if not can_see_ce_record(request.user, record) or not record.evidence_file:
        raise Http404
    return private_download(record.evidence_file, stem=f"evidence-{record.pk}")


def _certificate(request, uuid) -> Certificate:
    certificate = get_object_or_404(
        Certificate.objects.select_related("credential_version", "replaced_by", "trainee"),
        uuid=uuid,
    )
    if not can_renew_certificate(request.user, certificate):
        raise Http404
    return certificate


def _certificate_page(request, certificate, status=200):
    return TemplateResponse(
        request,
        "certification/renewal_certificate.html",
        {
            "certificate": certificate,
            "check": renewal_services.renewal_check(certificate=certificate),
            "is_holder": certificate.trainee_id == request.user.pk,
            "opens_days": renewal_services.RENEWAL_OPENS_DAYS,
            "grace_days": renewal_services.RENEWAL_GRACE_DAYS,
        },
        status=status,
    )


@login_required
def certificate(request, uuid):
    """One certificate's renewal checklist, with numbers."""
    return _certificate_page(request, _certificate(request, uuid))


@login_required
@require_POST
def renew(request, uuid):
    certificate = _certificate(request, uuid)
    try:
        new = renewal_services.renew_certificate(actor=request.user, certificate_id=certificate.pk)
    except RenewalError as error:
        messages.error(request, error.message)
        return _certificate_page(request, certificate, status=error.status)
    messages.success(
        request,
        _(
            "Renewed. The new certificate has a new code and is valid until %(date)s; the old "
            "one now shows that it was replaced by it."
        )
        % {"date": new.expires_on.strftime("%-d %B %Y")},
    )
    if new.trainee_id == request.user.pk:
        return redirect(new.get_absolute_url())
    return redirect("renewal:certificate", uuid=new.uuid)


# Review by a registrar.


def _queue(request, *, status=200, error="", error_record=None, typed_reason=""):
    return TemplateResponse(
        request,
        "certification/ce_review_queue.html",
        {
            "records": list(renewal_services.review_queue()),
            "audit_percent": f"{settings.CE_AUDIT_RATE * 100:g}",
            "error": error,
            "error_record": error_record,
            "typed_reason": typed_reason,
        },
        status=status,
    )


@login_required
def review_queue(request):
    """Self-reported continuing education waiting for a registrar, oldest first."""
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    return _queue(request)


@login_required
@require_POST
def review_record(request, pk):
    """Approve a waiting record, or return it with a reason."""
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    try:
        if decision == "approve":
            renewal_services.approve_ce_record(registrar=request.user, record_id=pk)
            messages.success(request, _("Approved: it now counts toward the holder's renewal."))
        elif decision == "return":
            renewal_services.return_ce_record(registrar=request.user, record_id=pk, reason=reason)
            messages.success(request, _("Returned to the holder with your reason."))
        else:
            return _queue(
                request, status=400, error=_("Choose approve or return."), error_record=pk
            )
    except RenewalError as error:
        if error.status == 404:
            raise Http404 from error
        return _queue(
            request,
            status=error.status,
            error=error.message,
            error_record=pk,
            typed_reason=reason,
        )
    return redirect("renewal:review")


@login_required
@require_POST
def resubmit_record(request, pk):
    """The holder sends a returned record back for review with more evidence."""
    try:
        renewal_services.resubmit_ce_record(
            holder=request.user,
            record_id=pk,
            evidence_text=request.POST.get("evidence_text", ""),
            evidence_file=request.FILES.get("evidence_file"),
        )
    except RenewalError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect("renewal:home")
    messages.success(request, _("Sent back for review."))
    return redirect("renewal:home")
