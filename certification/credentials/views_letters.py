"""Eligibility letters: the person produces theirs from the credential page; the PDF goes to
the person and registrars only; registrars list and withdraw letters. Thin: parse, check
permission, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .exceptions import CertificateRenderError, CredentialError
from .models import EligibilityLetter
from .permissions import can_manage_certificates, can_see_letter
from .services import letters as letter_services

LIST_LENGTH = 100


@login_required
@require_POST
def issue(request, code):
    """The person produces their eligibility letter for a credential's exam."""
    try:
        letter = letter_services.issue_eligibility_letter(
            actor=request.user, trainee=request.user, credential_code=code
        )
    except CredentialError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect("credentials:detail", code=code)
    messages.success(
        request,
        _(
            "Your eligibility letter is ready. Send the PDF to the board; it carries a code "
            "they can check."
        ),
    )
    return redirect(f"{letter.credential_version.credential.get_absolute_url()}#letter")


@login_required
def letter_pdf(request, pk):
    letter = get_object_or_404(
        EligibilityLetter.objects.select_related("credential_version"), pk=pk
    )
    if not can_see_letter(request.user, letter):
        raise Http404
    try:
        data = letter_services.letter_pdf(letter)
    except CertificateRenderError:
        messages.error(request, _("The letter could not be made just now. Try again in a minute."))
        return redirect("credentials:list")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="eligibility-letter-{letter.grouped_code}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _list(request, *, status=200, error="", error_letter=None):
    letters = list(
        EligibilityLetter.objects.select_related("trainee").order_by("-issued_at", "-pk")[
            :LIST_LENGTH
        ]
    )
    return TemplateResponse(
        request,
        "certification/letter_list.html",
        {"letters": letters, "error": error, "error_letter": error_letter},
        status=status,
    )


@login_required
def letter_list(request):
    """Registrars: the newest letters, each with its standing, and the withdraw action."""
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    return _list(request)


@login_required
@require_POST
def withdraw(request, pk):
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    try:
        letter_services.withdraw_eligibility_letter(
            registrar=request.user, letter_id=pk, reason=request.POST.get("reason", "")
        )
    except CredentialError as error:
        if error.status == 404:
            raise Http404 from error
        return _list(request, status=error.status, error=error.message, error_letter=pk)
    messages.success(request, _("Withdrawn. Its verification page now says so."))
    return redirect("letters:list")
