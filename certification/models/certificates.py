"""Certificates and their designs. A `Certificate` snapshots everything it certifies when it is
issued, so later edits to people, courses, credentials or designs never change it; its PDF is
rendered once by a Celery task and stored with its SHA-256."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin

from lms.site import absolute_url

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hexadecimal digits, e.g. #1f4e5f.")
)


class CertificateTemplate(PreviewableMixin, ClusterableModel):
    """A certificate design: logo, colours, wording and signatories. Every save bumps
    `version`; a certificate records the version (and a snapshot) it was issued with."""

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

    def serve_preview(self, request, mode_name):
        """The design filled with sample data (never a real person's)."""
        from ..pdf import render_html_response, render_pdf, sample_context

        context = sample_context(self)
        if mode_name == "pdf":
            from django.http import HttpResponse

            pdf = render_pdf(context)
            return HttpResponse(pdf, content_type="application/pdf")
        return render_html_response(request, context)


class CertificateSignatory(Orderable):
    """A person who signs certificates of this design."""

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

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced")

    class Route(models.TextChoices):
        AUTOMATIC = "automatic", _("Every requirement met")
        MANUAL = "manual", _("Issued by a registrar")

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
        "verification_code",
        "uuid",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    verification_code = models.CharField(max_length=25, unique=True, editable=False)
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    credential_version = models.ForeignKey(
        "standards.CredentialVersion",
        on_delete=models.PROTECT,
        related_name="certificates",
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
        ordering = ["-created_at"]
        constraints = [
            # Exactly once: one active certificate per trainee per credential version.
            models.UniqueConstraint(
                fields=["trainee", "credential_version"],
                condition=models.Q(status__in=["pending", "issued"]),
                name="certification_one_active_certificate",
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
        code = self.verification_code
        return "-".join(code[i : i + 5] for i in range(0, len(code), 5))

    @property
    def verification_url(self) -> str:
        return absolute_url(f"/verify/{self.verification_code}/")

    @property
    def ready(self) -> bool:
        return self.status == self.Status.ISSUED and bool(self.pdf_sha256)


class StatusList(models.Model):
    """A W3C Bitstring Status List (revocation), published signed at a stable URL and
    re-signed in the same transaction as any revocation."""

    purpose = models.SlugField(max_length=20, unique=True, default="revocation")
    size = models.PositiveIntegerField(default=131_072)
    revoked_indexes = models.JSONField(default=list, blank=True)
    signed_credential = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.purpose} status list"
