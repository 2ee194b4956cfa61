"""Account pages: sign in and out, registration, invitations, profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import permissions, services
from .exceptions import AccountsError, RegistrationClosedError
from .forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    ProfileForm,
    RegistrationForm,
)
from .models import Organisation

BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def lockout(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins."""
    return render(request, "accounts/lockout.html", status=429)


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    if not settings.PEERPATH_OPEN_REGISTRATION:
        return render(
            request,
            "accounts/register_closed.html",
            {"message": RegistrationClosedError.message},
            status=403,
        )
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.register_trainee(
            email=data["email"],
            legal_name=data["legal_name"],
            preferred_name=data["preferred_name"],
            pronouns=data["pronouns"],
            password=data["password1"],
        )
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome to Peerpath, %(name)s.") % {"name": user})
        return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request, key):
    try:
        invitation = services.get_valid_invitation(key=key)
    except AccountsError as error:
        return render(
            request,
            "accounts/invitation_error.html",
            {"message": error.message},
            status=error.status,
        )

    signed_in = request.user.is_authenticated
    form = None
    if not signed_in:
        form = InvitationAcceptForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and (signed_in or form.is_valid()):
        data = {} if signed_in else form.cleaned_data
        try:
            user = services.accept_invitation(
                key=key,
                user=request.user if signed_in else None,
                legal_name=data.get("legal_name", ""),
                preferred_name=data.get("preferred_name", ""),
                pronouns=data.get("pronouns", ""),
                password=data.get("password1", ""),
            )
        except AccountsError as error:
            return render(
                request,
                "accounts/invitation_accept.html",
                {"invitation": invitation, "form": form, "error": error.message},
                status=error.status,
            )
        if not signed_in:
            login(request, user, backend=BACKEND)
        messages.success(
            request,
            _("You have joined %(org)s as %(role)s.")
            % {"org": invitation.organisation, "role": invitation.get_role_display().lower()},
        )
        return redirect("accounts:profile")
    context = {"invitation": invitation, "form": form}
    return render(request, "accounts/invitation_accept.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organisation")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = services.create_invitation(
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect(organisation)
    context = {
        "organisation": organisation,
        "form": form,
        "members": organisation.memberships.select_related("user").order_by("user__legal_name"),
        "invitations": organisation.invitations.pending(),
    }
    return render(request, "accounts/organisation.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
