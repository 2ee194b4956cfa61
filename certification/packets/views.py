"""Packet pages: build (choose, preview, make), a packet's own page, its PDF and CLR, the
supervisor's confirmation, and the packet's public page at /verify/<code>/."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certification.credentials.services import codes
from certification.verification import cache as verify_cache
from lms import formviews

from . import permissions
from .forms import BuildForm, ConfirmForm
from .models import Packet
from .services import documents
from .services import packets as packet_services
from .services.content import with_standing


@login_required
@require_http_methods(["GET", "POST"])
def build(request):
    """Choose the parts, preview them, then make the packet (audited)."""
    form = BuildForm(request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and request.POST.get("action") != "make":
        if form.is_valid():
            outcome = formviews.submit(
                request,
                form,
                lambda data: packet_services.preview(
                    trainee=request.user, sections=data["sections"], draft=data["draft"]
                ),
            )
            preview = outcome.result
            status = outcome.status
        else:
            status = 400
    else:
        outcome = formviews.submit(
            request,
            form,
            lambda data: packet_services.make_packet(
                trainee=request.user, sections=data["sections"], draft=data["draft"]
            ),
        )
        if outcome.done:
            messages.success(request, _("Your packet is made. Its verification code is below."))
            return redirect(outcome.result)
        status = outcome.status
    return render(
        request,
        "packets/build.html",
        {
            "form": form,
            "preview": with_standing(preview, None) if preview else None,
            "packets": Packet.objects.for_trainee(request.user),
            "ready": packet_services.ready_for_board(request.user),
        },
        status=status,
    )


@login_required
@require_GET
def detail(request, packet_id):
    packet = permissions.own_packet(request.user, packet_id)
    return render(request, "packets/detail.html", documents.packet_context(packet))


@login_required
@require_GET
def packet_pdf(request, packet_id):
    packet = permissions.own_packet(request.user, packet_id)
    response = HttpResponse(documents.packet_pdf(packet), content_type="application/pdf")
    name = f"packet-{packet.verification_code}{'-draft' if packet.draft else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def packet_clr(request, packet_id):
    packet = permissions.own_packet(request.user, packet_id)
    response = JsonResponse(packet.clr, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="clr-{packet.verification_code}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request, attestation_id):
    """The supervisor confirms their placement's attestation: one signed action."""
    attestation = permissions.attestation_to_confirm(request.user, attestation_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: packet_services.confirm_attestation(
            supervisor=request.user, attestation_id=attestation.pk
        ),
    )
    if outcome.done:
        messages.success(request, _("Confirmed and signed. Thank you."))
        return redirect("practicum:home")
    content = attestation.packet.content
    placement = next(
        (p for p in content.get("practicum", []) if p["ref"]["id"] == attestation.placement_id),
        None,
    )
    return render(
        request,
        "packets/confirm.html",
        {
            "attestation": attestation,
            "record": packet_services.attestation_record(attestation, content),
            "placement": placement,
            "holder_name": content["holder_name"],
            "form": form,
        },
        status=outcome.status,
    )


def verify_packet(request, code, *, as_json=False):
    """The packet's public page (or JSON) for /verify/<code>/, or None when the code is not
    a packet's. Public content only: the frozen snapshot, which holds nothing private."""
    normal = codes.normalise_code(code)
    packet = Packet.objects.filter(verification_code=normal).first() if normal else None
    if packet is None:
        return None
    context = documents.packet_context(packet)
    if as_json:
        data = {
            "code": packet.grouped_code,
            "kind": "board_application_packet",
            "draft": packet.draft,
            "every_record_stands": context["all_stand"],
            "content": json.loads(json.dumps(context["content"])),
            "attestations": [
                {k: v for k, v in a.items() if k != "id"} for a in context["attestations"]
            ],
            "clr": packet.clr,
        }
        response = JsonResponse(data, json_dumps_params={"indent": 2})
        response["Access-Control-Allow-Origin"] = "*"
        return response
    context["settings"] = verify_cache.site_chrome(request)
    return render(request, "packets/verify_packet.html", context)
