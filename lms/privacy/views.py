"""A person's data rights: download everything (JSON, PDF), ask for erasure; registrars see
and complete erasure requests before their deadline."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms import formviews
from lms.accounts import reauth
from lms.accounts.models import ErasureRequest

from . import permissions
from .exceptions import DataRightsError
from .forms import ErasureCompleteForm, ErasureRequestForm
from .services import data_rights


@login_required
def home(request):
    open_request = request.user.erasure_requests.filter(status=ErasureRequest.Status.OPEN).first()
    return render(
        request,
        "certification/privacy_home.html",
        {
            "open_request": open_request,
            "needs_password": reauth.needs_password(request),
            "days": data_rights.ERASURE_DAYS,
        },
    )


def _filename(user, extension):
    return f"peerpath-my-data-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def export_json(request):
    data = data_rights.personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(request.user, "json")}"'
    return response


def _no_fetching(url, *args, **kwargs):
    raise ValueError(f"The data export fetches nothing: {url!r} refused.")


@login_required
@require_GET
def export_pdf(request):
    from weasyprint import HTML

    data = data_rights.personal_data(user=request.user)
    html = render_to_string("certification/data_export_pdf.html", {"data": data})
    # Tagged PDF/UA-1, like the certificates: headed sections a screen reader can navigate.
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(request.user, "pdf")}"'
    return response


@login_required
@require_POST
def erase(request):
    form = ErasureRequestForm(request.POST, request=request)
    outcome = formviews.submit(
        request, form, lambda data: data_rights.request_erasure(user=request.user)
    )
    if not outcome.done:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("privacy:home")
    messages.success(
        request,
        _("We have your request. A registrar will complete it by %(date)s.")
        % {"date": f"{outcome.result.due_by:%d %B %Y}"},
    )
    return redirect("privacy:home")


@login_required
@require_POST
def withdraw(request):
    if data_rights.withdraw_erasure(user=request.user):
        messages.success(request, _("Your erasure request is withdrawn. Nothing was erased."))
    return redirect("privacy:home")


def _registrar(request):
    if not permissions.can_handle_erasure_requests(request.user):
        raise PermissionDenied
    return request.user


@login_required
def requests_list(request):
    _registrar(request)
    open_requests = ErasureRequest.objects.filter(status=ErasureRequest.Status.OPEN).select_related(
        "user"
    )
    done = ErasureRequest.objects.exclude(status=ErasureRequest.Status.OPEN).order_by(
        "-requested_at"
    )[:20]
    return render(
        request,
        "certification/privacy_requests.html",
        {
            "open_requests": open_requests,
            "done": done,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complete(request, request_id):
    """Erase now: a page saying exactly what erasure will do (GET changes nothing), confirmed
    with the password (and code) when the re-authentication window has passed."""
    registrar = _registrar(request)
    try:
        erasure, consequences = data_rights.erasure_preview(request_id=request_id)
    except DataRightsError as refused:
        messages.error(request, refused.message)
        return redirect("privacy:requests")
    form = ErasureCompleteForm(request.POST if request.method == "POST" else None, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: data_rights.complete_erasure(registrar=registrar, request_id=erasure.pk),
    )
    if outcome.done:
        messages.success(request, _("Erasure completed."))
        return redirect("privacy:requests")
    return render(
        request,
        "certification/privacy_complete.html",
        {"erasure": erasure, "consequences": consequences, "form": form},
        status=outcome.status,
    )
