"""Supervised practicum: placements with a supervision agreement, and the hours ledger.

An entry moves draft -> submitted -> approved or returned (-> resubmitted). An approved entry
is locked: it is never edited or deleted. A correction is a new entry that points at the one
it amends (zero minutes reverses it); once the correction is approved, totals use it instead
of the original."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityType(models.Model):
    """A kind of practicum activity, loaded with the frameworks (`practicum_activity_types`)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=150)
    direct = models.BooleanField(
        help_text=_("Direct service to people, rather than indirect work.")
    )
    counts_as_supervision = models.BooleanField(default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "certification_activitytype"
        ordering = ["sort_order"]

    def __str__(self):
        return self.title


class PlacementQuerySet(models.QuerySet):
    def supervised_by(self, user):
        """Placements on which the user is a supervisor."""
        return self.filter(supervisors=user)


class Placement(models.Model):
    """A trainee's supervised practice at a placement host, counting toward a credential.
    No hours count until the trainee and a supervisor have both accepted the agreement."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.placement"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements"
    )
    host = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="placements"
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PlacementSupervisor",
        through_fields=("placement", "supervisor"),
        related_name="supervised_placements",
    )
    credential_code = models.SlugField(
        _("credential"),
        max_length=60,
        default="peer-foundations",
        help_text=_("The credential these hours count toward."),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    grace_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Days after the end in which supervisors may still sign off.")
    )
    trainee_agreed_at = models.DateTimeField(null=True, blank=True)
    supervisor_agreed_at = models.DateTimeField(null=True, blank=True)
    supervisor_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        db_table = "certification_placement"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="certification_placement_dates",
            )
        ]

    def __str__(self):
        return f"{self.trainee} at {self.host}"

    @property
    def agreed(self) -> bool:
        return bool(self.trainee_agreed_at and self.supervisor_agreed_at)

    def open_for_signing(self, today=None) -> bool:
        """Supervisors may act from the start until the end plus the grace period."""
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on + timezone.timedelta(days=self.grace_days)


class PlacementSupervisor(models.Model):
    """A supervisor on a placement, with the qualification shown on what they sign."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.placementsupervisor"

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="supervisor_links"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class QualificationStatus(models.TextChoices):
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held until the qualification is approved")

    qualification = models.CharField(max_length=250)
    qualification_expires = models.DateField(null=True, blank=True)
    # A supervisor who joined by invitation stated their own qualification: what they sign is
    # held (kept, not counted) until the host's admin or a registrar approves it. A registrar
    # who sets a placement up in the admin states it themselves, so those start approved.
    qualification_status = models.CharField(
        max_length=10, choices=QualificationStatus.choices, default=QualificationStatus.APPROVED
    )
    qualification_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualification_decided_at = models.DateTimeField(null=True, blank=True)
    invitation = models.ForeignKey(
        "practicum.SupervisorInvitation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
    )

    class Meta:
        db_table = "certification_placementsupervisor"
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "supervisor"], name="certification_supervisor_once"
            )
        ]

    def __str__(self):
        return f"{self.supervisor} ({self.qualification})"

    @property
    def held(self) -> bool:
        return self.qualification_status == self.QualificationStatus.HELD


class PracticumEntry(models.Model):
    """One logged stretch of practice. Locked once approved; corrected by new entries."""

    # The name the audit trail has recorded since before this model moved app.
    audit_label = "certification.practicumentry"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for your supervisor")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    class Setting(models.TextChoices):
        COMMUNITY = "community", _("Community")
        RCO = "recovery_community_organisation", _("Recovery community organisation")
        INPATIENT = "inpatient", _("Inpatient")
        ED = "emergency_department", _("Emergency department")
        JUSTICE = "justice", _("Justice")
        HOUSING = "housing", _("Housing")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    setting = models.CharField(_("setting"), max_length=40, choices=Setting.choices)
    activity = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="entries")
    domains = models.ManyToManyField(
        "standards.Domain", blank=True, related_name="practicum_entries"
    )
    description = models.TextField(
        _("what you did (no names or identifying details)"), max_length=600
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("The approved entry this one amends (0 minutes reverses it)."),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_comment = models.TextField(blank=True)
    trainee_reply = models.TextField(
        blank=True,
        help_text=_("The trainee's answer to the comment of a returned entry, sent with it."),
    )
    signed_qualification = models.CharField(max_length=250, blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the signed content.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "certification_practicumentry"
        ordering = ["-date", "-start_time"]
        verbose_name_plural = _("practicum entries")
        indexes = [models.Index(fields=["placement", "status"])]

    def __str__(self):
        return f"{self.date} {self.minutes} min ({self.get_status_display()})"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.APPROVED

    def signed_content(self) -> dict:
        """What an approval signs: everything that counts, nothing about other people."""
        return {
            "entry": self.pk,
            "placement": self.placement_id,
            "date": self.date.isoformat(),
            "start_time": self.start_time.isoformat(),
            "minutes": self.minutes,
            "setting": self.setting,
            "activity": self.activity.code,
            "direct": self.activity.direct,
            "domains": sorted(d.pk for d in self.domains.all()),
            "description": self.description,
            "corrects": self.corrects_id,
            "decided_by": self.decided_by_id,
            "qualification": self.signed_qualification,
        }

    def compute_hash(self) -> str:
        payload = json.dumps(self.signed_content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()
