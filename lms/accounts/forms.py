"""Forms for signing in, registering, invitations and the profile."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import reauth
from .models import Membership, User, normalise_email
from .services import confirmed_device


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with email. The field keeps Django's name, ``username``, for django-axes."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "That email address and password do not match an account. Check both and try "
            "again; passwords are case-sensitive."
        ),
        "inactive": _("This account is not active. Contact your training provider."),
    }

    def clean_username(self):
        # Every spelling of one address is one account to the lock-out (django-axes counts
        # failures per username; AXES_USERNAME_CALLABLE normalises the same way).
        return normalise_email(self.cleaned_data["username"])


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are different. Type them again."))
        elif p1:
            candidate = User(
                email=cleaned.get("email") or self.initial.get("email", ""),
                legal_name=cleaned.get("legal_name", ""),
                preferred_name=cleaned.get("preferred_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NamesMixin(forms.Form):
    legal_name = forms.CharField(
        label=_("Full legal name"),
        max_length=200,
        help_text=_("As it should appear on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_name = forms.CharField(
        label=_("Preferred name (optional)"),
        max_length=100,
        required=False,
        help_text=_("What you would like us to call you."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    pronouns = forms.CharField(
        label=_("Pronouns (optional)"),
        max_length=50,
        required=False,
        help_text=_("For example: she/her, he/him, they/them."),
    )


class RegistrationForm(NamesMixin, PasswordPairMixin):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    field_order = ["email", "legal_name", "preferred_name", "pronouns", "password1", "password2"]

    def clean_email(self):
        # Whether the address has an account is never said here (services.register_trainee
        # emails the address instead): the form answers alike for every address.
        return normalise_email(self.cleaned_data["email"])


class InvitationAcceptForm(NamesMixin, PasswordPairMixin):
    field_order = ["legal_name", "preferred_name", "pronouns", "password1", "password2"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["legal_name", "preferred_name", "pronouns"]


class ReauthenticationForm(forms.Form):
    """The base of every form that signs something or cannot be undone.

    Takes the request. Inside the re-authentication window (`lms.accounts.reauth`) the
    password and code fields are dropped; after it, `password` is asked for, and `otp` too
    for people with an authenticator. `clean()` confirms once every other field is valid, so
    a wrong password costs nothing typed: the error sits at the password field and the rest
    of the form is shown back as it was. A subclass with its own `clean()` calls
    `super().clean()` last, after adding its own errors."""

    password = forms.CharField(
        label=_("Your password, to sign"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("We ask for it again if you signed in more than a few minutes ago."),
    )
    otp = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.needs_password = reauth.needs_password(request)
        if not self.needs_password:
            del self.fields["password"], self.fields["otp"]
            return
        if confirmed_device(request.user) is None:
            del self.fields["otp"]
        # Declared on the base, so Django would put them first; the signature comes last.
        for name in ("password", "otp"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    def clean(self):
        cleaned = super().clean()
        if not self._errors:
            problem = reauth.confirm(self.request, cleaned.get("password"))
            if problem:
                self.add_error("password" if "password" in self.fields else None, problem)
        return cleaned
