"""Account pages: sign in and out, registration, invitations, profile."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.ratelimit import Limit, RateLimitedError

from . import landing, passkeys, permissions, reauth, second_step, services, totp
from .exceptions import (
    AccountsError,
    RegistrationClosedError,
    TwoFactorError,
    TwoFactorLockedError,
)
from .forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    ProfileForm,
    RegistrationForm,
)
from .models import Organisation, Passkey, TOTPDevice, User, normalise_email
from .tokens import read_confirmation_token

BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    """Email and password; then, for people with an authenticator, a code (see
    `two_factor_verify`): nobody is signed in until both are right."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a safe `next`, each person lands where their work is (`landing`)."""
        user = getattr(self, "_signing_in", None) or self.request.user
        return landing.landing_url(user)

    def form_valid(self, form):
        user = form.get_user()
        self._signing_in = user
        if not services.has_second_factor(user):
            return super().form_valid(form)
        second_step.start_pending(
            self.request, user=user, backend=user.backend, next_url=self.get_success_url()
        )
        return redirect("accounts:two_factor_verify")


def to_site_login(request):
    """Wagtail's sign-in forms (the admin's /admin/login/, private pages' /_util/login/) are
    not ways in of their own: they send to the site's sign-in (its code step, its lock-out
    page), keeping `next`. Whatever signs someone in, TwoFactorRequiredMiddleware still
    asks for the code."""
    url = reverse("accounts:login")
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in, whatever the first was: a code from the authenticator
    app. Wrong codes count against the account (`services.check_two_factor`), so starting
    again from the password does not reset them."""
    pending = second_step.pending(request)
    if pending is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    error = None
    status = 200
    if request.method == "POST":
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        try:
            verified = user is not None and services.check_two_factor(
                user=user, code=request.POST.get("code", "")
            )
        except TwoFactorLockedError as locked:
            verified, error, status = False, locked.message, locked.status
        if verified:
            del request.session[second_step.PENDING_KEY]
            login(request, user, backend=pending["backend"])
            second_step.mark_verified(request.session, user)
            # A path on this site, never a view name: redirect() would try to reverse
            # "?next=0" as one.
            target = landing.safe_next(request, pending["next"]) or landing.landing_url(user)
            return HttpResponseRedirect(target)
        if error is None:
            error = _("That code is not right, or it was already used. Try the newest code.")
            status = 400
    user_id = pending["user"]
    context = {
        "error": error,
        "has_passkey": Passkey.objects.filter(user_id=user_id).exists(),
        "has_app": TOTPDevice.objects.filter(user_id=user_id, confirmed_at__isnull=False).exists(),
    }
    return render(request, "accounts/two_factor_verify.html", context, status=status)


def _finish_second_step(request, user, backend) -> str:
    """Sign in the person who gave their second factor; the page to go to next."""
    login(request, user, backend=backend)
    second_step.mark_verified(request.session, user)
    held = request.session.pop(second_step.PENDING_KEY, None) or {}
    return landing.safe_next(request, held.get("next", "")) or landing.landing_url(user)


@require_http_methods(["POST"])
def passkey_sign_in_options(request):
    """The second step with a passkey, part one: the challenge for the sign-in waiting."""
    pending = second_step.pending(request)
    user = pending and User.objects.filter(pk=pending["user"], is_active=True).first()
    if not user:
        return JsonResponse({"error": str(_("Please sign in again."))}, status=400)
    try:
        options = passkeys.authentication_options(session=request.session, user=user)
    except TwoFactorError as refused:
        return JsonResponse({"error": str(refused.message)}, status=400)
    return HttpResponse(options, content_type="application/json")


@require_http_methods(["POST"])
def passkey_sign_in(request):
    """Part two: the authenticator's signature over the challenge. Right, and the person is
    signed in exactly as by a code (`second_step.mark_verified`)."""
    pending = second_step.pending(request)
    user = pending and User.objects.filter(pk=pending["user"], is_active=True).first()
    if not user:
        return JsonResponse({"error": str(_("Please sign in again."))}, status=400)
    try:
        passkeys.check_sign_in(
            session=request.session, user=user, credential=request.body.decode(errors="replace")
        )
    except TwoFactorError as refused:
        return JsonResponse({"error": str(refused.message)}, status=400)
    target = _finish_second_step(request, user, pending["backend"])
    return JsonResponse({"redirect": target})


@login_required
@require_http_methods(["POST"])
def passkey_options(request):
    """Registering a passkey, part one: the options for navigator.credentials.create()."""
    options = passkeys.registration_options(session=request.session, user=request.user)
    return HttpResponse(options, content_type="application/json")


@login_required
@require_http_methods(["POST"])
def passkey_register(request):
    """Part two: keep the new passkey's public key. Registering it with the person verified
    on the device counts as giving the second factor in this session."""
    try:
        passkeys.add_passkey(
            session=request.session,
            user=request.user,
            credential=request.body.decode(errors="replace"),
            name=request.GET.get("name", ""),
        )
    except TwoFactorError as refused:
        return JsonResponse({"error": str(refused.message)}, status=400)
    second_step.mark_verified(request.session, request.user)
    messages.success(request, _("Your passkey is set up. Use it when you sign in."))
    return JsonResponse({"redirect": reverse("accounts:two_factor")})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up (or, where the role allows, remove) two-factor authentication."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user).first()
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                device = services.start_two_factor(user=user)
            elif action == "confirm":
                services.confirm_two_factor(user=user, code=request.POST.get("code", ""))
                second_step.mark_verified(request.session, user)
                messages.success(request, _("Two-factor authentication is on."))
                return redirect("accounts:two_factor")
            elif action == "remove":
                problem = reauth.confirm(request, request.POST.get("password"))
                if problem:
                    raise TwoFactorError(problem)
                services.remove_two_factor(user=user)
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("accounts:two_factor")
        except TwoFactorError as refused:
            error = refused.message
        device = TOTPDevice.objects.filter(user=user).first()
    context = {
        "device": device,
        "passkeys": list(Passkey.objects.filter(user=user)),
        "required": services.requires_two_factor(user),
        "error": error,
        "needs_password": reauth.needs_password(request),
    }
    if device and not device.confirmed:
        uri = totp.provisioning_uri(device.secret, account=user.email)
        context["qr_svg"] = mark_safe(  # noqa: S308 - segno's own SVG markup, no user text
            segno.make(uri, error="m").svg_inline(scale=5, title=_("QR code to scan"))
        )
        context["secret_groups"] = " ".join(
            device.secret[i : i + 4] for i in range(0, len(device.secret), 4)
        )
    return render(request, "accounts/two_factor.html", context, status=400 if error else 200)


def lockout(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins."""
    return render(request, "accounts/lockout.html", status=429)


def _limit_account_email(request, scope: str, email: str) -> None:
    """One more registration or password-reset request, per client and per address (each
    sends an email). Raises RateLimitedError past either limit, whatever the address."""
    window = settings.PEERPATH_ACCOUNT_EMAIL_RATE_WINDOW
    Limit(f"{scope}-client", settings.PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_CLIENT, window).hit(request)
    Limit(f"{scope}-address", settings.PEERPATH_ACCOUNT_EMAIL_LIMIT_PER_ADDRESS, window).hit(
        request, subject=normalise_email(email)
    )


TOO_MANY_EMAILS = _(
    "We have had too many requests for this address or from this network in the last hour. "
    "Please wait an hour, then try again."
)


@require_http_methods(["GET", "POST"])
def register(request):
    """Open registration. Every valid submission gets the same answer, "check your email",
    whether or not the address has an account (`services.register_trainee` says which in
    the email); nobody is signed in here."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(landing.landing_url(request.user))
    if not settings.PEERPATH_OPEN_REGISTRATION:
        return render(
            request,
            "accounts/register_closed.html",
            {"message": RegistrationClosedError.message},
            status=403,
        )
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _limit_account_email(request, "register", data["email"])
        except RateLimitedError:
            form.add_error(None, TOO_MANY_EMAILS)
            status = 429
        else:
            services.register_trainee(
                email=data["email"],
                legal_name=data["legal_name"],
                preferred_name=data["preferred_name"],
                pronouns=data["pronouns"],
                password=data["password1"],
            )
            return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def register_sent(request):
    return render(request, "accounts/register_sent.html")


CONFIRM_KEY = "peerpath_confirm_registration"
INVITATION_KEY = "peerpath_invitation_key"


@require_http_methods(["GET"])
def confirm_registration_link(request, token):
    """The emailed link: its token goes into the session and the address bar loses it, so
    the address an access log or the browser's history keeps carries no token."""
    request.session[CONFIRM_KEY] = token
    return redirect("accounts:confirm_registration")


@require_http_methods(["GET", "POST"])
def confirm_registration(request):
    """Confirm a new account's address with one button (a link scanner's GET confirms
    nothing), then sign in with the password chosen at registration."""
    user = read_confirmation_token(request.session.get(CONFIRM_KEY, ""))
    if user is None:
        return render(request, "accounts/register_confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.confirm_registration(user=user)
        request.session.pop(CONFIRM_KEY, None)
        messages.success(
            request,
            _(
                "Your email address is confirmed. Sign in with it and your password: your "
                "learning page then shows where to start."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/register_confirm.html", {"email": user.email})


@require_http_methods(["GET", "POST"])
def accept_invitation(request, key):
    """The emailed invitation link. Its first GET puts the key in the session and sends the
    browser to the key-less page (`invitation`), so the address logged or kept in history
    carries no key; a POST here (an older page) is still handled."""
    if request.method == "GET":
        request.session[INVITATION_KEY] = key
        return redirect("accounts:invitation")
    return _invitation_page(request, key)


@require_http_methods(["GET", "POST"])
def invitation(request):
    """The invitation whose link this browser opened (its key is in the session)."""
    return _invitation_page(request, request.session.get(INVITATION_KEY, ""))


def _invitation_page(request, key):
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
        request.session.pop(INVITATION_KEY, None)
        if not signed_in:
            login(request, user, backend=BACKEND)
        messages.success(
            request,
            _("You have joined %(org)s as %(role)s.")
            % {"org": invitation.organisation, "role": invitation.get_role_display().lower()},
        )
        return HttpResponseRedirect(landing.landing_url(user))
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
    """The same answer for every address, known or not: the email is queued through the
    outbox (`services.request_password_reset`) and sent by a worker, which makes the link;
    limited per client and per address."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            _limit_account_email(self.request, "password-reset", email)
        except RateLimitedError:
            form.add_error(None, TOO_MANY_EMAILS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        services.request_password_reset(email=email)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
