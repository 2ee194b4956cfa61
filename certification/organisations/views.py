"""Organisation pages (a verifier's or organisation admin's): checking a roster of codes at
once, with a table and a CSV back, and the watch list of certificates holders shared with
the organisation. The holder's sharing page. Thin: parse, check permission, call a service,
render. Organisations see public records only."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.credentials.models import Certificate

from . import services
from .exceptions import OrganisationError, RosterError
from .forms import RosterForm, ShareForm
from .models import CertificateShare
from .permissions import can_share_certificate, organisation_for_verifying, verifying_organisations

ROSTER_KEEP_SECONDS = 60 * 60  # the uploaded roster is kept this long for the CSV download


@login_required
def organisation_list(request):
    """The organisations whose rosters and watch list the user may use."""
    organisations = list(verifying_organisations(request.user).order_by("name"))
    if len(organisations) == 1:
        return redirect("organisations:roster", slug=organisations[0].slug)
    return TemplateResponse(
        request, "certification/org_list.html", {"organisations": organisations}
    )


def _roster_page(request, organisation, form, *, result=None, token="", status=200):
    return TemplateResponse(
        request,
        "certification/org_roster.html",
        {
            "organisation": organisation,
            "form": form,
            "result": result,
            "counts": result.counts if result else None,
            "token": token,
            "max_rows": services.ROSTER_MAX_ROWS,
        },
        status=status,
    )


@login_required
def roster(request, slug):
    """Upload a roster (or paste codes) and see each row's status, with per-row problems."""
    organisation = organisation_for_verifying(request.user, slug)
    if request.method != "POST":
        return _roster_page(request, organisation, RosterForm())
    form = RosterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _roster_page(request, organisation, form, status=400)
    try:
        services.roster_rate_limit(user=request.user, organisation=organisation)
        data = form.data_bytes()
        result = services.check_roster(data=data)
    except RosterError as error:
        form.add_error("roster" if form.cleaned_data.get("roster") else None, error.message)
        return _roster_page(request, organisation, form, status=error.status)
    token = secrets.token_urlsafe(16)
    cache.set(
        f"roster:{token}",
        {"organisation": organisation.pk, "user": request.user.pk, "data": data},
        ROSTER_KEEP_SECONDS,
    )
    return _roster_page(request, organisation, RosterForm(), result=result, token=token)


@login_required
def roster_csv(request, slug, token):
    """The checked roster as CSV (statuses as of now), safe to open in a spreadsheet."""
    organisation = organisation_for_verifying(request.user, slug)
    kept = cache.get(f"roster:{token}")
    if not kept or kept["organisation"] != organisation.pk or kept["user"] != request.user.pk:
        raise Http404
    result = services.check_roster(data=kept["data"])
    response = HttpResponse(services.roster_csv(result), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="roster-check-{organisation.slug}-{stamp}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def watch(request, slug):
    """Certificates holders shared with the organisation, with their live status."""
    organisation = organisation_for_verifying(request.user, slug)
    rows = services.watch_list(organisation=organisation)
    return TemplateResponse(
        request,
        "certification/org_watch.html",
        {"organisation": organisation, "rows": rows},
    )


# The holder's side: sharing a certificate with an employer.


def _own_certificate(request, uuid) -> Certificate:
    certificate = get_object_or_404(Certificate, uuid=uuid)
    if not can_share_certificate(request.user, certificate):
        raise Http404  # never confirm that someone else's certificate exists
    return certificate


def _share_page(request, certificate, form, status=200):
    shares = list(
        CertificateShare.objects.filter(certificate=certificate)
        .select_related("organisation")
        .order_by("stopped_at", "organisation__name", "-shared_at")
    )
    active_ids = {s.organisation_id for s in shares if s.active}
    form.fields["organisation"].queryset = services.sharing_organisations().exclude(
        pk__in=active_ids
    )
    return TemplateResponse(
        request,
        "certification/org_share.html",
        {
            "certificate": certificate,
            "form": form,
            "active": [s for s in shares if s.active],
            "stopped": [s for s in shares if not s.active],
            "can_share": certificate.status == Certificate.Status.ISSUED,
        },
        status=status,
    )


@login_required
def share(request, uuid):
    """The holder chooses which employers may watch this certificate."""
    certificate = _own_certificate(request, uuid)
    organisations = services.sharing_organisations()
    if request.method != "POST":
        return _share_page(request, certificate, ShareForm(organisations=organisations))
    form = ShareForm(request.POST, organisations=organisations)
    if not form.is_valid():
        return _share_page(request, certificate, form, status=400)
    try:
        shared = services.share_certificate(
            holder=request.user,
            certificate_id=certificate.pk,
            organisation_id=form.cleaned_data["organisation"].pk,
        )
    except OrganisationError as error:
        form.add_error("organisation", error.message)
        return _share_page(request, certificate, form, status=error.status)
    messages.success(
        request,
        _("Shared with %(organisation)s. You can stop sharing at any time.")
        % {"organisation": shared.organisation.name},
    )
    return redirect("sharing:certificate", uuid=certificate.uuid)


@login_required
@require_POST
def stop_sharing(request, uuid, share_id):
    certificate = _own_certificate(request, uuid)
    if not CertificateShare.objects.filter(pk=share_id, certificate=certificate).exists():
        raise Http404
    try:
        stopped = services.stop_sharing(holder=request.user, share_id=share_id)
    except OrganisationError as error:
        raise Http404 from error
    messages.success(
        request,
        _("%(organisation)s can no longer see this certificate on its watch list.")
        % {"organisation": stopped.organisation.name},
    )
    return redirect("sharing:certificate", uuid=certificate.uuid)
