"""Renewal pages: the holder's continuing-education records (add, remove, evidence), and a
certificate's renewal checklist with numbers and the button to renew (holder or registrar).
Thin: parse, check permission, call a service, render."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .exceptions import RenewalError
from .models import Certificate, ContinuingEducation
from .organisation_forms import ContinuingEducationForm
from .permissions import can_renew_certificate, can_see_ce_record


def _home(request, form, status=200):
    user = request.user
    certificates = (
        Certificate.objects.filter(trainee=user, status=Certificate.Status.ISSUED)
        .select_related("credential_version")
        .order_by("expires_on")
    )
    return TemplateResponse(
        request,
        "certification/renewal_home.html",
        {
            "form": form,
            "records": ContinuingEducation.objects.filter(holder=user).select_related("used_for"),
            "checks": [services.renewal_check(certificate=c) for c in certificates],
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
        services.add_ce_record(
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
    messages.success(request, _("Recorded. It counts toward your renewal below."))
    return redirect("renewal:home")


@login_required
@require_POST
def delete_record(request, pk):
    try:
        services.delete_ce_record(holder=request.user, record_id=pk)
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
    content_type = mimetypes.guess_type(record.evidence_file.name)[0] or "application/pdf"
    response = FileResponse(
        record.evidence_file.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"evidence-{record.pk}.{record.evidence_file.name.rsplit('.', 1)[-1]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
            "check": services.renewal_check(certificate=certificate),
            "is_holder": certificate.trainee_id == request.user.pk,
            "opens_days": services.RENEWAL_OPENS_DAYS,
            "grace_days": services.RENEWAL_GRACE_DAYS,
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
        new = services.renew_certificate(actor=request.user, certificate_id=certificate.pk)
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
