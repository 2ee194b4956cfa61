"""Certificates and their designs. A `Certificate` snapshots everything it certifies when it is
issued, so later edits to people, courses, credentials or designs never change it; its PDF is
rendered once by a Celery task and stored with its SHA-256."""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin

from lms.site import absolute_url

from ..basis import Basis
from ..pdf import render_html_response, render_pdf, sample_context
from ..services import codes

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hexadecimal digits, e.g. #1f4e5f.")
)


class CertificateTemplate(PreviewableMixin, ClusterableModel):
    """A certificate design: logo, colours, wording and signatories. Every save bumps
    `version`; a certificate records the version (and a snapshot) it was issued with."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.certificatetemplate"

    name = models.CharField(_("name"), max_length=120)
    issuing_organisation = models.CharField(
        _("issuing organisation"), max_length=200, default="Peerpath"
    )
    heading = models.CharField(_("heading"), max_length=120, default="Certificate")
    intro = models.CharField(
        _("words before the name"), max_length=200, default="This certifies that"
    )
    body = models.CharField(
        _("words after the name"),
        max_length=300,
        default="has met every requirement of the",
    )
    footer = models.CharField(
        _("footer"),
        max_length=300,
        blank=True,
        default="Check this certificate at any time at the address below or with the QR code.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1f4e5f", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b08d57", validators=[colour_validator]
    )
    is_default = models.BooleanField(
        _("default design"), default=False, help_text=_("Used by credentials without a design.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("issuing_organisation"),
                FieldPanel("heading"),
                FieldPanel("intro"),
                FieldPanel("body"),
                FieldPanel("footer"),
            ],
            heading=_("Wording"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
            ],
            heading=_("Look"),
        ),
        InlinePanel("signatories", heading=_("Signatories"), label=_("Signatory"), max_num=3),
        FieldPanel("is_default"),
    ]

    preview_modes = [("", _("Certificate page")), ("pdf", _("PDF"))]

    class Meta:
        db_table = "certification_certificatetemplate"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="certification_one_default_template",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = (
                CertificateTemplate.objects.filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
        super().save(*args, **kwargs)

    def design_snapshot(self, signatories=None) -> dict:
        """What a certificate keeps of its design: wording, colours and the image files."""
        if signatories is None:
            signatories = list(self.signatories.select_related("signature").all())
        return {
            "name": self.name,
            "issuing_organisation": self.issuing_organisation,
            "heading": self.heading,
            "intro": self.intro,
            "body": self.body,
            "footer": self.footer,
            "primary_colour": self.primary_colour,
            "accent_colour": self.accent_colour,
            "logo": self.logo.file.name if self.logo_id else "",
            "logo_alt": self.logo.title if self.logo_id else "",
            "signatories": [
                {
                    "name": s.name,
                    "role": s.role,
                    "signature": s.signature.file.name if s.signature_id else "",
                }
                for s in signatories
            ],
        }

    def serve_preview(self, request, mode_name):
        """The design filled with sample data (never a real person's)."""
        context = sample_context(self)
        if mode_name == "pdf":
            pdf = render_pdf(context)
            return HttpResponse(pdf, content_type="application/pdf")
        return render_html_response(request, context)


class CertificateSignatory(Orderable):
    """A person who signs certificates of this design."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.certificatesignatory"

    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=160)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A scan of the signature, ideally a transparent PNG."),
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("signature")]

    class Meta(Orderable.Meta):
        db_table = "certification_certificatesignatory"

    def __str__(self):
        return f"{self.name}, {self.role}"


class CertificateQuerySet(models.QuerySet):
    def active(self):
        """Certificates that count: being prepared or issued (not revoked or replaced)."""
        return self.filter(status__in=Certificate.ACTIVE_STATUSES)

    def stale_pending(self, before):
        """Pending certificates nobody has tried to render since `before`."""
        never_tried = models.Q(last_attempt_at__isnull=True, created_at__lt=before)
        return self.filter(
            models.Q(last_attempt_at__lt=before) | never_tried, status=Certificate.Status.PENDING
        )


class Certificate(models.Model):
    """An issued credential. Everything it certifies is a snapshot taken at issue; the PDF
    is written once. `pending` until the PDF is stored, then `issued`."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.certificate"

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced")

    class Kind(models.TextChoices):
        CREDENTIAL = "credential", _("Credential")
        COURSE = "course", _("Course completion")

    class Route(models.TextChoices):
        AUTOMATIC = "automatic", _("Every requirement met")
        MANUAL = "manual", _("Issued by a registrar")

    class Reason(models.TextChoices):
        """The category of a revocation or suspension: told to the holder, never published
        (the free-text reason stays with registrars)."""

        ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
        REQUIREMENTS = "requirements", _("A requirement was found not to be met")
        CONDUCT = "conduct", _("A conduct or ethics decision")
        HOLDER_REQUEST = "holder_request", _("At the holder's request")
        UNDER_REVIEW = "under_review", _("Under review")
        OTHER = "other", _("Another reason")

    ACTIVE_STATUSES = (Status.PENDING, Status.ISSUED)
    SNAPSHOT_FIELDS = (
        "holder_name",
        "credential_code",
        "credential_title",
        "credential_version_number",
        "alignment_statement",
        "issuing_organisation",
        "competencies",
        "hours",
        "courses",
        "issued_on",
        "expires_on",
        "template_version",
        "design",
        "basis",
        "verification_code",
        "uuid",
        "kind",
        "contact_hours",
        "attended_from",
        "attended_to",
        "provider",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    verification_code = models.CharField(max_length=25, unique=True, editable=False)
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CREDENTIAL)
    # A credential's certificate names its version; a course's certificate of completion names
    # the course (and carries the contact-hours version it was completed under, as snapshots).
    credential_version = models.ForeignKey(
        "standards.CredentialVersion",
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
    )
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.AUTOMATIC)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The registrar, for a manual issue."),
    )
    manual_reason = models.TextField(blank=True)

    # Snapshots: written at issue, never changed (save() refuses).
    holder_name = models.CharField(max_length=200)
    credential_code = models.SlugField(max_length=60)
    credential_title = models.CharField(max_length=200)
    credential_version_number = models.PositiveIntegerField()
    alignment_statement = models.TextField(blank=True)
    issuing_organisation = models.CharField(max_length=200)
    competencies = models.JSONField(default=list, blank=True)
    hours = models.JSONField(default=dict, blank=True)
    courses = models.JSONField(default=list, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    design = models.JSONField(
        default=dict, blank=True, help_text=_("The design as it was at issue.")
    )
    # What was certified: each requirement of the version and how it was met (evidence on
    # Peerpath, or recognition of prior learning on a registrar's decision). Every public
    # output says what it says from this (services.basis).
    basis = models.JSONField(
        default=dict, blank=True, help_text=_("The basis of issue, as it was at issue.")
    )
    # A course certificate's contact hours as approved when the course was completed:
    # {"version", "total", "by_domain": [{"key", "label", "hours"}], "delivery",
    # "delivery_label", "face_to_face"}; the dates attended; the provider and its
    # approved-provider numbers ({"name", "approvals": [{"body", "number"}]}).
    contact_hours = models.JSONField(default=dict, blank=True)
    attended_from = models.DateField(null=True, blank=True)
    attended_to = models.DateField(null=True, blank=True)
    provider = models.JSONField(default=dict, blank=True)

    # The PDF, written once.
    pdf = models.FileField(upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    render_attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    ready_emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Lifecycle (services.lifecycle). The public page shows dates only, never the reason.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(
        blank=True, help_text=_("For registrars only; never shown publicly.")
    )
    suspended_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Suspended (reversibly) while something is checked.")
    )
    suspension_reason = models.TextField(blank=True)
    # The categories the holder is told (the free-text reasons above stay with registrars).
    revocation_category = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    suspension_category = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    # Set when the holder's data was erased: the public check still answers for a revoked,
    # expired or replaced certificate (status and dates), without the holder's name.
    holder_erased_at = models.DateTimeField(null=True, blank=True)
    # The last revocation or suspension the holder was emailed about (keeps the email once).
    holder_status_emailed = models.CharField(max_length=60, blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(
        default=False, help_text=_("The holder hid it from public verification.")
    )
    # Open Badges 3.0: the signed credential and its bit in the revocation status list.
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True)
    signed_credential = models.JSONField(default=dict, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        db_table = "certification_certificate"
        ordering = ["-created_at"]
        constraints = [
            # Exactly once: one active certificate per trainee per credential version.
            models.UniqueConstraint(
                fields=["trainee", "credential_version"],
                condition=models.Q(status__in=["pending", "issued"]),
                name="certification_one_active_certificate",
            ),
            # Exactly once: one active certificate of completion per learner per course.
            models.UniqueConstraint(
                fields=["trainee", "course"],
                condition=models.Q(status__in=["pending", "issued"], kind="course"),
                name="credentials_one_active_course_certificate",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="credential", credential_version__isnull=False, course=None)
                    | models.Q(kind="course", course__isnull=False, credential_version=None)
                ),
                name="credentials_certificate_kind_matches",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued") | ~models.Q(pdf_sha256=""),
                name="certification_issued_has_pdf",
            ),
            models.CheckConstraint(
                condition=~models.Q(route="manual") | ~models.Q(manual_reason=""),
                name="certification_manual_issue_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_attempt_at"]),
            # The public PDF check (/verify/check-pdf/, /verify/pdf/<sha256>.json) looks a
            # certificate up by the SHA-256 of its PDF.
            models.Index(fields=["pdf_sha256"], name="certification_cert_pdf_sha256"),
        ]

    def __str__(self):
        return f"{self.credential_title} for {self.holder_name}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # After issue only the PDF and status fields move; the snapshot never does.
        if (self.pk and not self._state.adding) and (
            update_fields is None or set(update_fields) & set(self.SNAPSHOT_FIELDS)
        ):
            raise ValueError("An issued certificate's snapshot is never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("certificates:detail", kwargs={"uuid": self.uuid})

    @property
    def grouped_code(self) -> str:
        """The code in groups of five, as printed (e.g. 7KQ2M-...)."""
        return codes.grouped(self.verification_code)

    @property
    def verification_url(self) -> str:
        return absolute_url(f"/verify/{self.verification_code}/")

    @property
    def ready(self) -> bool:
        return self.status == self.Status.ISSUED and bool(self.pdf_sha256)

    def is_expired(self, *, today: date) -> bool:
        """The one expiry rule: a certificate is valid through the whole of its expiry day
        (in the site's time zone) and expired from the day after. The signed credential's
        `validUntil` is the first moment of that next day (services.lifecycle)."""
        return self.expires_on is not None and self.expires_on < today

    @property
    def is_course(self) -> bool:
        return self.kind == self.Kind.COURSE

    @property
    def basis_of_issue(self) -> Basis:
        return Basis.from_snapshot(self.basis, route=self.route)


class StatusList(models.Model):
    """A W3C Bitstring Status List, one per purpose (revocation, suspension), published
    signed at a stable URL and re-signed in the same transaction as any change of a bit.
    `revoked_indexes` holds the set bits (for the suspension list: the suspended ones)."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.statuslist"

    purpose = models.SlugField(max_length=20, unique=True, default="revocation")
    size = models.PositiveIntegerField(default=131_072)
    revoked_indexes = models.JSONField(default=list, blank=True)
    signed_credential = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "certification_statuslist"

    def __str__(self):
        return f"{self.purpose} status list"


class IssuerIdentity(models.Model):
    """The issuer's identity as recorded when the first credential was signed: the issuer id
    and the base address of its key and status-list documents. Credentials carry both, and a
    later change of SITE_URL must not change them (a verifier checks that the key's
    controller is the credential's issuer), so the first row is used for ever."""

    issuer_id = models.CharField(max_length=300)
    base_url = models.CharField(max_length=300)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "issuer identities"

    def __str__(self):
        return self.issuer_id
