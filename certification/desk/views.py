"""The registrar desk (HTML) and its CSV. Thin: check permission, read the filters, ask the
desk service, render."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lms.exports import csv_safe

from .forms import DeskFilterForm
from .permissions import can_use_desk
from .services import build_desk, credential_choices


def _desk(request):
    if not can_use_desk(request.user):
        raise PermissionDenied
    form = DeskFilterForm(request.GET or None, credentials=credential_choices())
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    desk = build_desk(
        credential_code=data.get("credential") or "",
        cohort=data.get("cohort"),
        standing=data.get("standing") or "",
    )
    return form, desk


@login_required
@require_GET
def home(request):
    form, desk = _desk(request)
    status = 400 if desk is None else 200
    return render(request, "desk/desk.html", {"form": form, "desk": desk}, status=status)


@login_required
@require_GET
def export_csv(request):
    form, desk = _desk(request)
    if desk is None:
        return render(request, "desk/desk.html", {"form": form, "desk": None}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="registrar-desk-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["name", "email", "credential", "version", "standing", "requirements met", "blocked by"]
    )
    for row in desk.rows:
        eligibility = row.eligibility
        writer.writerow(
            [
                csv_safe(row.person.legal_name or row.person.display_name),
                csv_safe(row.person.email),
                csv_safe(row.credential_code),
                eligibility.version.number if eligibility else "",
                row.standing,
                f"{eligibility.done_count}/{len(eligibility.requirements)}" if eligibility else "",
                csv_safe("; ".join(requirement.detail for requirement in row.blockers)),
            ]
        )
    return response
