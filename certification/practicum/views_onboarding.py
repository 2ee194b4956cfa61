"""Supervisors and cohorts who join in minutes: a trainee (or the host's admin) invites a
supervisor, the supervisor joins through the emailed link, the host's admin or a registrar
approves their qualification; an organisation's admin or a registrar uploads a cohort file,
checks the preview and confirms. Thin: parse, ask `permissions`, call a service, render."""

import secrets

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certification.practicum.services import onboarding
from lms import formviews
from lms.accounts.exceptions import AccountsError
from lms.accounts.forms import NamesMixin, PasswordPairMixin
from lms.accounts.models import Organisation
from lms.files import private_download

from . import permissions
from .exceptions import PracticumError
from .forms import ApprovalForm, CohortUploadForm, JoinForm, SupervisorInvitationForm
from .models import PlacementSupervisor, SupervisorInvitation

SESSION_KEY = "peerpath_supervisor_invitation"  # where the emailed link's token waits
PREVIEW_SECONDS = 3600
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _placement_hosts():
    return Organisation.objects.of_kind(Organisation.Kind.PLACEMENT_HOST).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def invite_supervisor(request):
    """A trainee invites the supervisor of their own placement."""
    form = SupervisorInvitationForm(
        request.POST or None, hosts=_placement_hosts(), with_trainee=False
    )
    outcome = formviews.submit(
        request,
        form,
        lambda data: onboarding.invite_supervisor(
            invited_by=request.user, trainee_email=request.user.email, **data
        ),
    )
    if outcome.done:
        messages.success(
            request,
            _("Invitation sent to %(email)s. Your placement is set up when they join.")
            % {"email": outcome.result.email},
        )
        return redirect("practicum:home")
    return render(
        request,
        "certification/practicum_invite_supervisor.html",
        {"form": form},
        status=outcome.status,
    )


def _organisation_context(request, organisation, form=None):
    is_host = organisation.kind == Organisation.Kind.PLACEMENT_HOST
    if form is None and is_host:
        form = SupervisorInvitationForm(
            hosts=Organisation.objects.filter(pk=organisation.pk), with_trainee=True
        )
    held = (
        PlacementSupervisor.objects.filter(
            placement__host=organisation,
            qualification_status=PlacementSupervisor.QualificationStatus.HELD,
        )
        .select_related("supervisor", "placement__trainee", "invitation")
        .order_by("pk")
    )
    return {
        "organisation": organisation,
        "is_host": is_host,
        "form": form,
        "approval_form": ApprovalForm(request=request),
        "held": held,
        "pending": SupervisorInvitation.objects.pending()
        .filter(host=organisation)
        .order_by("-created_at")[:100],
        "waiting_for_trainee": SupervisorInvitation.objects.filter(
            host=organisation, accepted_at__isnull=False, placement__isnull=True
        ).count(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request, slug):
    """An organisation's supervisors and invitations, for its admins and registrars."""
    organisation = permissions.organisation_to_onboard(request.user, slug)
    form = None
    status = 200
    if request.method == "POST":
        if organisation.kind != Organisation.Kind.PLACEMENT_HOST:
            raise Http404
        form = SupervisorInvitationForm(
            request.POST, hosts=Organisation.objects.filter(pk=organisation.pk), with_trainee=True
        )
        outcome = formviews.submit(
            request,
            form,
            lambda data: onboarding.invite_supervisor(invited_by=request.user, **data),
        )
        if outcome.done:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": outcome.result.email}
            )
            return redirect("practicum:organisation", slug=organisation.slug)
        status = outcome.status
    return render(
        request,
        "certification/practicum_organisation.html",
        _organisation_context(request, organisation, form),
        status=status,
    )


@login_required
@require_POST
def approve_qualification(request, link_id):
    """The host's admin or a registrar approves a supervisor's qualification (confirmed with
    the password like a signature)."""
    link = permissions.link_to_decide(request.user, link_id)
    form = ApprovalForm(request.POST, request=request)
    outcome = formviews.submit(
        request,
        form,
        lambda data: onboarding.approve_qualification(actor=request.user, link_id=link.pk),
    )
    host = link.placement.host
    if outcome.done:
        messages.success(
            request,
            _("%(name)s's qualification is approved: what they sign now counts.")
            % {"name": link.supervisor.display_name},
        )
        return redirect("practicum:organisation", slug=host.slug)
    context = _organisation_context(request, host)
    context["approval_form"], context["approval_for"] = form, link.pk
    return render(
        request, "certification/practicum_organisation.html", context, status=outcome.status
    )


@login_required
def qualification_file(request, link_id):
    """The copy of the qualification a supervisor uploaded, to those who approve it."""
    link = permissions.link_to_decide(request.user, link_id)
    invitation = link.invitation
    if invitation is None or not invitation.qualification_file:
        raise Http404
    return private_download(invitation.qualification_file, stem=f"qualification-{link.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def cohort(request, slug):
    """Upload a cohort file, see what it would do row by row, then confirm."""
    organisation = permissions.organisation_to_onboard(request.user, slug)
    form = CohortUploadForm(request.POST or None, request.FILES or None)
    context = {"organisation": organisation, "form": form}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "confirm":
        held = cache.get(f"cohort:{request.POST.get('token', '')}")
        if not held or held["organisation"] != organisation.pk or held["user"] != request.user.pk:
            context["problem"] = _("That preview has expired. Upload the file again.")
            return render(request, "certification/practicum_cohort.html", context, status=400)
        try:
            counts = onboarding.import_cohort(
                actor=request.user, organisation=organisation, data=held["data"]
            )
        except PracticumError as refused:
            context["problem"] = refused.message
            return render(request, "certification/practicum_cohort.html", context, status=400)
        cache.delete(f"cohort:{request.POST['token']}")
        messages.success(
            request,
            _(
                "Done: %(trainees)s trainee invitations and %(supervisors)s supervisor "
                "invitations are on their way. Anything already invited was left as it was."
            )
            % counts,
        )
        return redirect("practicum:cohort", slug=organisation.slug)
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                data = onboarding.check_cohort_file(form.cleaned_data["file"])
            except PracticumError as refused:
                form.add_error("file", refused.message)
                status = 400
            else:
                preview = onboarding.preview_cohort(organisation=organisation, data=data)
                context["preview"] = preview
                if preview.problem or not preview.ok:
                    status = 400
                else:
                    token = secrets.token_urlsafe(24)
                    cache.set(
                        f"cohort:{token}",
                        {"organisation": organisation.pk, "user": request.user.pk, "data": data},
                        PREVIEW_SECONDS,
                    )
                    context["token"] = token
    return render(request, "certification/practicum_cohort.html", context, status=status)


# The supervisor joins ---------------------------------------------------------------------


@require_http_methods(["GET"])
def join_link(request, token):
    """The emailed link: its token goes into the session and the address bar loses it, so
    no access log or browser history keeps it."""
    request.session[SESSION_KEY] = token
    return redirect("practicum:join")


class NewSupervisorForm(NamesMixin, PasswordPairMixin, JoinForm):
    field_order = [
        "legal_name",
        "preferred_name",
        "pronouns",
        "password1",
        "password2",
        "qualification",
        "qualification_expires",
        "file",
    ]


@require_http_methods(["GET", "POST"])
def join(request):
    """Accept a supervisor invitation: password (for a new account), qualification with its
    expiry and a copy; then on to the second factor (a passkey or an authenticator app)."""
    token = request.session.get(SESSION_KEY, "")
    try:
        invitation = onboarding.invitation_for_token(token)
    except AccountsError as error:
        return render(
            request,
            "accounts/invitation_error.html",
            {"message": error.message},
            status=error.status,
        )
    signed_in = request.user.is_authenticated
    form_class = JoinForm if signed_in else NewSupervisorForm
    form = form_class(
        request.POST or None,
        request.FILES or None,
        initial={"email": invitation.email, "qualification": invitation.qualification},
    )

    def accept(data):
        return onboarding.join_as_supervisor(
            token=token,
            user=request.user if signed_in else None,
            legal_name=data.get("legal_name", "") or invitation.name,
            preferred_name=data.get("preferred_name", ""),
            password=data.get("password1", ""),
            qualification=data["qualification"],
            qualification_expires=data.get("qualification_expires"),
            qualification_file=data.get("file"),
        )

    try:
        outcome = formviews.submit(request, form, accept, error_field=None)
    except AccountsError as error:
        return render(
            request,
            "certification/practicum_join.html",
            {"invitation": invitation, "form": form, "error": error.message},
            status=error.status,
        )
    if outcome.done:
        user, _invitation = outcome.result
        request.session.pop(SESSION_KEY, None)
        if not signed_in:
            login(request, user, backend=BACKEND)
        messages.success(
            request,
            _(
                "You have joined %(host)s as a supervisor. Last step: a passkey or an "
                "authenticator app, so only you can sign."
            )
            % {"host": invitation.host.name},
        )
        return redirect(reverse("accounts:two_factor"))
    return render(
        request,
        "certification/practicum_join.html",
        {"invitation": invitation, "form": form},
        status=outcome.status,
    )
