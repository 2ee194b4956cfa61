"""Credentials as versioned data. A `Credential` is the stable thing with a code (what
placements point at); its requirements live in `CredentialVersion` rows, one per change, never
edited once written. A trainee is assessed against the version they were pinned to when they
started toward the credential (`certification.models.CredentialEnrolment`) unless a registrar
moves them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CredentialQuerySet(models.QuerySet):
    def issued_by_product(self):
        """Credentials Peerpath issues certificates for (others are tracked only)."""
        return self.filter(issued_by_product=True, retired=False)


class Credential(models.Model):
    """A credential a trainee works toward, keyed by a stable code."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.credential"

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Stable: placements and certificates point at it. Do not change it."),
    )
    issued_by_product = models.BooleanField(
        _("issued by Peerpath"),
        default=False,
        help_text=_("Off for external credentials that Peerpath only tracks progress toward."),
    )
    # The certificate design belongs to the app that issues certificates; a reference by
    # name (no import), and the only model link from this app to a later one.
    template = models.ForeignKey(
        "credentials.CertificateTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
        help_text=_("The certificate design; the default design when empty."),
    )
    retired = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        # The table the certification app created; the model moved, its rows did not.
        db_table = "certification_credential"
        ordering = ["code"]

    def __str__(self):
        version = self.current_version
        return version.title if version else self.code

    def get_absolute_url(self):
        return reverse("credentials:detail", kwargs={"code": self.code})

    @property
    def current_version(self):
        """The newest version (what new trainees are assessed against)."""
        cached = getattr(self, "_current_version", None)
        if cached is None:
            cached = self.versions.order_by("-number").first()
            self._current_version = cached
        return cached


class CredentialVersion(models.Model):
    """One immutable set of requirements for a credential. Editing makes a new version."""

    audit_label = "certification.credentialversion"

    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    alignment_statement = models.TextField(
        _("alignment statement"),
        blank=True,
        help_text=_(
            'Printed on the certificate. Say "aligned to" or "mapped to", never "approved by".'
        ),
    )
    required_courses = models.JSONField(
        _("required courses"), default=list, blank=True, help_text=_("Course page slugs.")
    )
    min_quiz_score = models.PositiveSmallIntegerField(
        _("minimum quiz score (%)"),
        default=0,
        help_text=_("Best released score on each required quiz of each required course."),
    )
    experience_hours = models.DecimalField(
        _("practicum hours"), max_digits=7, decimal_places=2, default=0
    )
    direct_service_share_min = models.DecimalField(
        _("minimum direct-service share"),
        max_digits=4,
        decimal_places=3,
        default=0,
        help_text=_("0.5 means at least half of the practicum hours are direct service."),
    )
    supervision_hours = models.DecimalField(
        _("supervision hours"), max_digits=7, decimal_places=2, default=0
    )
    hours_by_domain = models.JSONField(
        _("practicum hours by domain"),
        default=dict,
        blank=True,
        help_text=_('{"framework/code": hours}'),
    )
    training_hours = models.DecimalField(
        _("training hours"),
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text=_("Education hours in total, from every source (courses, sessions, outside)."),
    )
    training_hours_by_domain = models.JSONField(
        _("training hours by domain"),
        default=dict,
        blank=True,
        help_text=_('{"framework/code": hours}'),
    )
    training_face_to_face_share_min = models.DecimalField(
        _("minimum face-to-face share of training"),
        max_digits=4,
        decimal_places=3,
        default=0,
        help_text=_("0.5 means at least half of the training hours were taught live."),
    )
    training_topics = models.JSONField(
        _("required training topics"),
        default=list,
        blank=True,
        help_text=_('Topic codes, e.g. ["ethics"].'),
    )
    competency_signoffs = models.JSONField(
        _("competency sign-offs"), default=list, blank=True, help_text=_('"framework/code"')
    )
    competent_ratings = models.PositiveSmallIntegerField(default=1)
    qualification_current = models.BooleanField(default=True)
    attestations = models.JSONField(_("attestations"), default=list, blank=True)
    exam_required = models.SlugField(
        _("exam required"),
        max_length=60,
        blank=True,
        help_text=_(
            "A board exam's key (e.g. icrc-pr) that must be passed; empty when none is. "
            "Choices come from the boards data file."
        ),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )
    renewal = models.JSONField(
        _("renewal rules"),
        default=dict,
        blank=True,
        help_text=_('{"ce_hours": 20, "period_months": 24, "min_by_topic": {"ethics": 6}}'),
    )
    extra = models.JSONField(
        default=dict, blank=True, help_text=_("Rules kept for reference, not assessed here.")
    )
    change_note = models.CharField(_("what changed"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "certification_credentialversion"
        ordering = ["credential", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "number"], name="certification_credential_version_once"
            ),
            models.CheckConstraint(
                condition=models.Q(min_quiz_score__lte=100),
                name="certification_credential_quiz_score_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(direct_service_share_min__gte=0)
                & models.Q(direct_service_share_min__lte=1),
                name="certification_credential_direct_share_fraction",
            ),
            models.CheckConstraint(
                condition=models.Q(training_face_to_face_share_min__gte=0)
                & models.Q(training_face_to_face_share_min__lte=1),
                name="standards_credential_training_share_fraction",
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        # A version is a promise to the trainees assessed against it: it is written once.
        if self.pk and not kwargs.pop("_allow_update", False):
            raise ValueError("A credential version is never changed; create a new version.")
        super().save(*args, **kwargs)

    RULE_FIELDS = (
        "title",
        "alignment_statement",
        "required_courses",
        "min_quiz_score",
        "experience_hours",
        "direct_service_share_min",
        "supervision_hours",
        "hours_by_domain",
        "training_hours",
        "training_hours_by_domain",
        "training_face_to_face_share_min",
        "training_topics",
        "competency_signoffs",
        "competent_ratings",
        "qualification_current",
        "attestations",
        "exam_required",
        "validity_months",
        "renewal",
        "extra",
    )

    DECIMAL_RULES = (
        "experience_hours",
        "direct_service_share_min",
        "supervision_hours",
        "training_hours",
        "training_face_to_face_share_min",
    )

    @property
    def has_training_rule(self) -> bool:
        return bool(
            self.training_hours
            or self.training_hours_by_domain
            or self.training_face_to_face_share_min
            or self.training_topics
        )

    def rules(self) -> dict:
        """The requirement fields, comparable between versions."""
        values = {name: getattr(self, name) for name in self.RULE_FIELDS}
        for name in self.DECIMAL_RULES:
            values[name] = float(values[name])
        return values
