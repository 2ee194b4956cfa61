"""People and organisations: users, organisations, memberships with roles, invitations."""

import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.crypto import EncryptedTextField


def normalise_email(address) -> str:
    """The one spelling of an email address that Peerpath stores, looks up and counts
    sign-in failures against: trimmed and lower-cased (the unique constraint on the address
    ignores case too)."""
    return BaseUserManager.normalize_email(str(address or "").strip()).lower()


class UserManager(BaseUserManager):
    """Creates users keyed by a normalised email address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=normalise_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with email; the legal name goes on certificates, the preferred
    name and pronouns everywhere else."""

    email = models.EmailField(_("email address"), unique=True)
    legal_name = models.CharField(
        _("full legal name"),
        max_length=200,
        help_text=_("Your name as it should appear on certificates."),
    )
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("What you would like us to call you. Leave blank to use your legal name."),
    )
    pronouns = models.CharField(
        _("pronouns"), max_length=50, blank=True, help_text=_("For example: she/her, they/them.")
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the Peerpath admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Registered but the email address is not confirmed yet: inactive (cannot sign in)
    # until the link emailed to it is used (services.confirm_registration).
    awaiting_confirmation = models.BooleanField(_("awaiting email confirmation"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["legal_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["legal_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    @property
    def display_name(self) -> str:
        """The name to greet the person by: preferred name, else legal name, else email."""
        return self.preferred_name or self.legal_name or self.email

    def get_full_name(self):
        return self.legal_name

    def get_short_name(self):
        return self.display_name


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind):
        """Organisations of one kind (training provider, placement host, employer)."""
        return self.filter(kind=kind)

    def administered_by(self, user):
        """Organisations in which the user holds the organisation-admin role."""
        return self.filter(memberships__user=user, memberships__role=Membership.Role.ORG_ADMIN)


class Organisation(models.Model):
    """A training provider, a placement host or an employer."""

    class Kind(models.TextChoices):
        TRAINING_PROVIDER = "training_provider", _("Training provider")
        PLACEMENT_HOST = "placement_host", _("Placement host")
        EMPLOYER = "employer", _("Employer")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organisation", kwargs={"slug": self.slug})


class MembershipQuerySet(models.QuerySet):
    def with_role(self, role):
        """Memberships holding one role."""
        return self.filter(role=role)


class Membership(models.Model):
    """A person's role in an organisation. One person may hold several roles, in several
    organisations (a trainee at a provider may also supervise at a host)."""

    class Role(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        TRAINER = "trainer", _("Trainer")
        SUPERVISOR = "supervisor", _("Supervisor")
        ORG_ADMIN = "org_admin", _("Organisation admin")
        VERIFIER = "verifier", _("Verifier")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_membership_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


def new_invitation_key() -> str:
    # 32 random bytes: the link is the only secret, so it must not be guessable.
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations not yet accepted and not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation from an organisation admin to join with a role. The link works once,
    and only until it expires."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=32, choices=Membership.Role.choices, default=Membership.Role.TRAINEE
    )
    key = models.CharField(max_length=64, unique=True, default=new_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("accounts:accept_invitation", kwargs={"key": self.key})

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class ErasureRequest(models.Model):
    """A person's request to have their personal data erased. A registrar completes it
    (lms.privacy.services.data_rights.complete_erasure) before `due_by`."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a registrar")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the person")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_at = models.DateTimeField(auto_now_add=True)
    due_by = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_by", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="open"),
                name="accounts_one_open_erasure_request",
            )
        ]

    def __str__(self):
        return f"Erasure request {self.pk} ({self.get_status_display()})"


class TOTPDevice(models.Model):
    """A person's authenticator app (RFC 6238 time-based codes). The secret is encrypted at
    rest; `last_step` stops a code being used twice; wrong codes are counted here, across
    sign-ins, re-authentications and worker processes."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    # Wrong codes in a row, for the account: the lock-out counts them (services.check_two_factor).
    failed_codes = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Authenticator of user {self.user_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class Passkey(models.Model):
    """A WebAuthn credential (a passkey) the person registered as their second factor. Only
    the public key is held; the private key never leaves their device. `sign_count` rises
    with each use on authenticators that count, so a cloned key shows."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    name = models.CharField(_("name"), max_length=100, default="Passkey")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Passkey {self.pk} of user {self.user_id}"
