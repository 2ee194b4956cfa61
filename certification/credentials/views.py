"""Trainee-facing credential pages: the checklist with progress toward each credential,
confirming the name for certificates, attesting, and the holder's certificate page and PDF.
Thin: parse, check permission, call a service, render."""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import parsing

from . import pdf
from .exceptions import CredentialError
from .models import Certificate, CertificateName, EligibilityLetter
from .permissions import can_view_certificate
from .services import credentials as credential_services

logger = logging.getLogger(__name__)


def _cards(user, credentials):
    certificates = {}
    for certificate in Certificate.objects.active().filter(
        trainee=user, kind=Certificate.Kind.CREDENTIAL
    ):
        certificates.setdefault(certificate.credential_code, certificate)
    cards, offered = [], set()
    letters = {
        letter.credential_version_id: letter
        for letter in EligibilityLetter.objects.standing().filter(trainee=user)
    }
    by_code = {credential.code: credential for credential in credentials}
    checked = credential_services.check_eligibility_many(trainee=user, codes=list(by_code))
    for eligibility in checked:
        credential = by_code[eligibility.credential.code]
        cards.append(
            {
                "credential": credential,
                "eligibility": eligibility,
                "certificate": certificates.get(credential.code),
                # A credential with an exam: the letter to the board, once everything
                # before the exam is met.
                "letter": letters.get(eligibility.version.pk),
                "letter_ready": bool(eligibility.version.exam_required)
                and all(r.met for r in eligibility.requirements if r.kind != "exam"),
                # An attestation is the trainee's, not the credential's: offer each once.
                "attestations": [
                    {"code": code, **credential_services.ATTESTATIONS[code]}
                    for code in eligibility.version.attestations
                    if code in credential_services.ATTESTATIONS
                    and code not in offered
                    and not next(
                        r.met
                        for r in eligibility.requirements
                        if r.kind == "attestation" and r.key == code
                    )
                ],
            }
        )
        offered.update(a["code"] for a in cards[-1]["attestations"])
    return cards


def _page(request, credentials, *, single=False):
    user = request.user
    name = CertificateName.objects.filter(user=user).first()
    return TemplateResponse(
        request,
        "certification/credential_list.html",
        {
            "cards": _cards(user, credentials),
            "certificate_name": name,
            "proposed_name": name.name if name else (user.legal_name or ""),
            "name_locked": bool(name) and Certificate.objects.filter(trainee=user).exists(),
            "single": single,
            # Certificates of completion, one per completed course (not on a single
            # credential's page).
            "course_certificates": []
            if single
            else list(
                Certificate.objects.active()
                .filter(trainee=user, kind=Certificate.Kind.COURSE)
                .order_by("-issued_on", "credential_title")
            ),
        },
    )


@login_required
def credential_list(request):
    """Every credential the trainee works toward, as a checklist with progress bars."""
    return _page(request, credential_services.credentials_for_trainee(trainee=request.user))


@login_required
def credential_detail(request, code):
    credentials = [
        c
        for c in credential_services.credentials_for_trainee(trainee=request.user)
        if c.code == code
    ]
    if not credentials:
        raise Http404
    return _page(request, credentials, single=True)


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/credentials/") and "//" not in target:
        return redirect(target)
    return redirect("credentials:list")


@login_required
@require_POST
def confirm_name(request):
    try:
        credential_services.confirm_certificate_name(
            user=request.user, name=parsing.text(request.POST.get("name", ""))
        )
    except CredentialError as error:
        messages.error(request, error.message)
        response = _page(request, credential_services.credentials_for_trainee(trainee=request.user))
        response.context_data["proposed_name"] = parsing.text(request.POST.get("name", ""))[:200]
        response.context_data["name_error"] = error.message
        response.status_code = error.status
        return response
    messages.success(request, _("Thank you. Your certificates will show your name like that."))
    return _back(request)


@login_required
@require_POST
def attest(request, code):
    if request.POST.get("agree") != "yes":
        messages.error(request, _("Tick the box to say you agree, then press the button."))
        return _back(request)
    try:
        credential_services.attest(trainee=request.user, code=code)
    except CredentialError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(request, _("Thank you. Your attestation is recorded."))
    return _back(request)


def _certificate_for(request, uuid) -> Certificate:
    certificate = get_object_or_404(Certificate.objects.select_related("trainee"), uuid=uuid)
    if not can_view_certificate(request.user, certificate):
        raise Http404  # never confirm that someone else's certificate exists
    return certificate


@login_required
def certificate_detail(request, uuid):
    """The holder's page: the certificate as HTML, "being prepared" until the PDF is stored,
    then the download and the address to share."""
    certificate = _certificate_for(request, uuid)
    context = pdf.for_browser(pdf.certificate_context(certificate))
    return TemplateResponse(
        request,
        "certification/certificate.html",
        {
            **context,
            "certificate": certificate,
            "is_holder": certificate.trainee_id == request.user.pk,
            "registrar_email": settings.PEERPATH_REGISTRAR_EMAIL,
        },
    )


@login_required
def certificate_pdf(request, uuid):
    """The stored PDF, exactly as stored (its hash is checked before it is served)."""
    certificate = _certificate_for(request, uuid)
    if not certificate.ready:
        raise Http404
    try:
        with default_storage.open(certificate.pdf.name, "rb") as handle:
            data = handle.read()
    except OSError:
        # The file recorded as stored is gone (storage lost or restored from an older backup).
        # Say so to the people who run the site; the holder's page still shows the certificate.
        logger.error("Certificate %s: its stored PDF cannot be read", certificate.pk)
        raise Http404 from None
    if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256:
        raise Http404  # a file that is not the one stored is never served
    filename = f"certificate-{certificate.grouped_code}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
