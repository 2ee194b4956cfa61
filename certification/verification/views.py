"""Public verification, for employers and anyone else, without an account: the code form, the
certificate's page and JSON (the QR code's target), the PDF check, and the OpenAPI document.

Every response here is private to the asker (`no-store`), kept out of search engines
(`noindex`) and sends no referrer. Every lookup counts against the client address's rate limit.
An unknown, malformed or hidden code gets one fixed response, byte for byte, whatever was
typed, so nobody can learn by probing that a code exists. The page and the JSON are both
built from `services.public_record`, the one allow-list of public fields."""

from __future__ import annotations

import functools
import re
from datetime import date

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from certification.credentials.services import codes
from certification.credentials.services import letters as letter_services
from cms import page_cache
from lms.ratelimit import Limit, RateLimitedError
from lms.site import absolute_url

from . import cache as verify_cache
from . import others, services
from . import pdf as verify_pdf
from .exceptions import VerificationError
from .openapi import openapi_document

JSON_NOT_FOUND = {
    "error": "not_found",
    "detail": "There is no certificate to show for this code. It may be mistyped, or its "
    "holder may have hidden it from public checks.",
}


def _limit() -> Limit:
    return Limit(
        "verify", settings.PEERPATH_VERIFY_RATE_LIMIT, settings.PEERPATH_VERIFY_RATE_WINDOW
    )


def _private(response, *, referrer="no-referrer"):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = referrer
    return response


def _referrer_policy(request, *, posts: bool) -> str:
    """No referrer at all, so a code in the address never leaves with a link, except on a
    page with a form that posts back to this site: browsers send "Origin: null" under
    no-referrer, which Django's CSRF check rightly refuses. "same-origin" still sends
    nothing to any other site. The sign-out button is such a form for a signed-in visitor
    (the page has already loaded the user to draw the header, so asking costs nothing)."""
    user = getattr(request, "user", None)
    if posts or (user is not None and user.is_authenticated):
        return "same-origin"
    return "no-referrer"


def _render(request, template, context=None, *, status=200):
    context = {"settings": verify_cache.site_chrome(request), **(context or {})}
    return render(request, template, context, status=status)


def public_page(*, json: bool = False, posts: bool = False):
    """Private headers on every response; a rate-limited request gets the 429 page (or JSON)
    with Retry-After. `posts`: the page has a form that posts back here."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
            except RateLimitedError as error:
                if json:
                    response = JsonResponse(
                        {
                            "error": "rate_limited",
                            "detail": "Too many checks from this address; try again later.",
                            "retry_after": error.retry_after,
                        },
                        status=429,
                    )
                else:
                    response = _render(
                        request,
                        "certification/verify_rate_limited.html",
                        {"retry_after": error.retry_after},
                        status=429,
                    )
                response["Retry-After"] = str(error.retry_after)
            if json:
                return _private(response)
            return _private(response, referrer=_referrer_policy(request, posts=posts))

        return wrapper

    return decorate


# --- Typing a code ----------------------------------------------------------------------------


def _target(text: str) -> str:
    """Where a typed code leads: its canonical form, or (for anything that cannot be a code)
    a harmless form of it that the certificate page answers with the not-found response."""
    if "/verify/" in text:  # a pasted verification link
        text = text.split("/verify/", 1)[1].split("/", 1)[0].removesuffix(".json")
    code = codes.normalise_code(text)
    if code:
        return code
    return re.sub(r"[^A-Za-z0-9-]", "", text)[:60] or "-"


@require_GET
@public_page()
def lookup(request):
    """The form. Submitting it (GET, so the address can be shared) leads to the code's page."""
    if "code" in request.GET:
        text = request.GET["code"].strip()
        if text:
            return HttpResponseRedirect(reverse("verify:certificate", args=[_target(text)]))
        return _render(
            request,
            "certification/verify_lookup.html",
            {"error": _("Type the certificate code, as printed under the QR code.")},
            status=400,
        )
    return _render(request, "certification/verify_lookup.html")


# --- A certificate's page and JSON ------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _relative(url: str) -> str:
    """A link on our own site as a path (the record's URLs are absolute, for the JSON)."""
    site = absolute_url()
    return url[len(site) :] if url.startswith(site + "/") else url


def record_context(record: dict) -> dict:
    """The record with dates as dates and our own links as paths, for the templates."""
    replaced_by = record["replaced_by"]
    return {
        "record": record,
        "state": record["status"]["state"],
        "status_date": _day(record["status"]["date"]),
        "issued_on": _day(record["issued_on"]),
        "expires_on": _day(record["expires_on"]),
        "decided_on": _day(record["basis"]["decided_on"]),
        "aligned_to": [{**item, "path": _relative(item["url"])} for item in record["aligned_to"]],
        "replacement_path": _relative(replaced_by["url"]) if replaced_by else "",
    }


def _not_found(request):
    # Fixed: nothing from the request (not even the typed code) goes into it.
    return _render(request, "certification/verify_not_found.html", status=404)


def _certificate_parts(record: dict) -> tuple[str, str]:
    """The page's title and main content for a record: the same for every visitor, so they
    render without the request (no context processors) and are cached."""
    context = record_context(record)
    return (
        render_to_string("certification/includes/verify_certificate_title.html", context),
        render_to_string("certification/includes/verify_certificate_content.html", context),
    )


def _shell(request) -> str:
    context = {"settings": verify_cache.site_chrome(request)}
    return render_to_string("certification/verify_shell.html", context, request=request)


@require_GET
@public_page()
def certificate(request, code):
    if page_cache.is_anonymous(request):
        # No session: the header is everyone's, so the page comes from cached parts, read
        # in the rate limit's round trip.
        found = _limit().hit(request, fetch=verify_cache.page_keys(code))
        body = verify_cache.anonymous_page(
            request, code, render_parts=_certificate_parts, render_shell=_shell, found=found
        )
        if body is None:
            return others.respond(request, code) or _letter_or_not_found(request, code)
        return HttpResponse(body)
    found = _limit().hit(request, fetch=verify_cache.record_keys(code))
    record = verify_cache.public_record_for(code, found=found)
    if record is None:
        return others.respond(request, code) or _letter_or_not_found(request, code)
    return _render(request, "certification/verify_certificate.html", record_context(record))


def _letter_or_not_found(request, code):
    """A code that is no certificate's may be an eligibility letter's (the same code space);
    else the fixed not-found page. Letters are not cached: a withdrawal shows at once."""
    letter = letter_services.find_letter(code)
    if letter is None:
        return _not_found(request)
    return _render(
        request, "certification/verify_letter.html", {"letter": services.public_letter(letter)}
    )


@require_GET
@public_page(json=True)
def certificate_json(request, code):
    found = _limit().hit(request, fetch=verify_cache.record_keys(code))
    record = verify_cache.public_record_for(code, found=found)
    if record is None:
        return others.respond(request, code, as_json=True) or _json(JSON_NOT_FOUND, status=404)
    return _json(record)


def _json(data, *, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"indent": 2})
    # Public data, meant for other systems too (an HR tool calling from a browser).
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Checking a PDF ---------------------------------------------------------------------------


@csrf_exempt  # the CSRF check reads the body; the upload handler must be in place first
@require_http_methods(["GET", "POST"])
@public_page(posts=True)
def check_pdf(request):
    """Upload a certificate PDF; learn whether it is byte for byte one we issued."""
    handler = verify_pdf.PdfDigestUploadHandler(
        request, max_bytes=settings.PEERPATH_VERIFY_PDF_MAX_BYTES
    )
    if request.method == "POST":
        request.upload_handlers = [handler]
    return _check_pdf(request, handler)


@csrf_protect
def _check_pdf(request, handler):
    context = {"max_mb": f"{handler.max_bytes / 2**20:g}"}
    if request.method != "POST":
        return _render(request, "certification/verify_check_pdf.html", context)
    _limit().hit(request)
    try:
        upload = verify_pdf.checked_upload(request, handler)
    except VerificationError as error:
        return _render(
            request,
            "certification/verify_check_pdf.html",
            {**context, "error": error.message},
            status=error.status,
        )
    found = verify_pdf.find_by_pdf_sha256(upload.sha256)
    result = {**context, "sha256": upload.sha256, "matched": found is not None}
    if found is not None:
        result.update(record_context(services.public_record(found)))
    return _render(request, "certification/verify_pdf_result.html", result)


@require_GET
@public_page(json=True)
def pdf_json(request, sha256):
    """The PDF check for programs: hash the file yourself and ask by its SHA-256."""
    _limit().hit(request)
    found = verify_pdf.find_by_pdf_sha256(sha256)
    if found is None:
        return _json(JSON_NOT_FOUND, status=404)
    return _json(services.public_record(found))


# --- The API's description --------------------------------------------------------------------


@require_GET
def openapi(request):
    response = JsonResponse(openapi_document(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response
