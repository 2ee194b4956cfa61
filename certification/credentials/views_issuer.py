"""The issuer's public documents (stable URLs, cacheable): its Open Badges profile with
every public key it has signed with, each key document, and the signed revocation and
suspension status lists. And the holder's own signed credential and LinkedIn link."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from . import openbadges
from .models import Certificate
from .openbadges.exceptions import OpenBadgesError
from .services import lifecycle as lifecycle_services

JSON_LD = "application/ld+json"


def _json(data, *, content_type=JSON_LD, max_age=300):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from anywhere
    return response


@require_GET
def issuer_profile(request):
    # The issuer recorded at the first issue, whatever SITE_URL says now: every credential
    # names it, and each key's controller must be it.
    issuer, _base = lifecycle_services.current_issuer()
    return _json(openbadges.issuer_profile(issuer=issuer))


@require_GET
def key_document(request, key_id):
    try:
        issuer, _base = lifecycle_services.current_issuer()
        return _json(openbadges.key_document(key_id=key_id, issuer=issuer), max_age=3600)
    except OpenBadgesError as error:
        raise Http404 from error


@require_GET
def status_list(request, purpose):
    if purpose not in lifecycle_services.STATUS_PURPOSES:
        raise Http404
    # Short cache: a revocation or suspension must show within a minute.
    return _json(
        lifecycle_services.signed_status_list(purpose),
        content_type="application/vc+ld+json",
        max_age=60,
    )


def _own_issued(request, uuid) -> Certificate:
    if not request.user.is_authenticated:
        raise Http404
    certificate = get_object_or_404(
        Certificate.objects.exclude(status=Certificate.Status.PENDING),
        uuid=uuid,
        trainee=request.user,
    )
    if not certificate.signed_credential:
        raise Http404
    return certificate


@require_GET
@cache_control(private=True, no_store=True)
def holder_credential(request, uuid):
    """The holder downloads their signed OpenBadgeCredential (for a wallet or backpack)."""
    certificate = _own_issued(request, uuid)
    response = _json(certificate.signed_credential, content_type="application/vc+ld+json")
    response["Cache-Control"] = "private, no-store"
    del response["Access-Control-Allow-Origin"]
    filename = f"peerpath-{certificate.credential_code}-{certificate.verification_code[:5]}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def linkedin(request, uuid):
    """LinkedIn's "add to profile" form, prefilled with the certification."""
    certificate = _own_issued(request, uuid)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.credential_title,
        "organizationName": certificate.issuing_organisation,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "certUrl": certificate.verification_url,
        "certId": certificate.grouped_code,
    }
    if certificate.expires_on:
        query["expirationYear"] = certificate.expires_on.year
        query["expirationMonth"] = certificate.expires_on.month
    return redirect("https://www.linkedin.com/profile/add?" + urlencode(query))


@require_POST
def visibility(request, uuid):
    """The holder hides their certificate from public verification, or shows it again."""
    if not request.user.is_authenticated:
        raise Http404
    certificate = get_object_or_404(Certificate, uuid=uuid, trainee=request.user)
    hidden = request.POST.get("hidden") == "1"
    lifecycle_services.hide_certificate(
        holder=request.user, certificate_id=certificate.pk, hidden=hidden
    )
    messages.success(
        request,
        _("Hidden: people checking the code will be told it cannot be found.")
        if hidden
        else _("Shown again: people checking the code can see it."),
    )
    return redirect(certificate.get_absolute_url())
