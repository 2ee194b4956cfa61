"""Boards, the credentials they issue, and their requirements as versioned data.

A board's requirements change; a trainee's readiness is read against the version they chose,
until they (or a registrar) move to a newer one, the way credential rules are pinned. Versions
are never edited: a change is a new version with a note, from the data file or a registrar.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    """A certifying (or standards-setting) body, e.g. IC&RC, a state board."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=250)
    url = models.URLField(_("website"), blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BoardCredential(models.Model):
    """A credential a board issues (IC&RC Peer Recovery, Pennsylvania CPS, ...)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="credentials")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=250)
    framework = models.SlugField(
        _("domain framework"),
        max_length=60,
        blank=True,
        help_text=_("The framework whose domains the board counts hours by (frameworks data)."),
    )
    domain_term = models.CharField(
        _("what the board calls its domains"), max_length=120, blank=True
    )
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["board__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.board.name})"

    @property
    def current(self):
        return self.versions.order_by("-number").first()


class RequirementSet(models.Model):
    """One version of what a board credential requires, normalised for readiness checks.

    `rules` keys (each optional): ``training`` {total, by_domain {"fw/code": h}, min_by_topic
    {topic: h}, face_to_face_share_min}, ``experience`` {hours, direct_service_share_min},
    ``supervision`` {hours}, ``exam`` {name, required, pass_score}, ``documents`` [codes],
    ``ethics`` (text), ``eligibility`` {name: text}, ``renewal`` {period_months, ce_hours,
    min_by_topic}. `sources` maps a field path ("training.total") to where the figure was
    seen and how it was verified, so every number on a readiness page can show its source.
    """

    credential = models.ForeignKey(
        BoardCredential, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    rules = models.JSONField(default=dict)
    sources = models.JSONField(default=dict, blank=True)
    change_note = models.CharField(_("what changed"), max_length=250, blank=True)
    from_data_file = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["credential", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["credential", "number"], name="boards_one_number")
        ]

    def __str__(self):
        return f"{self.credential.code} v{self.number}"


class DocumentType(models.Model):
    """A kind of document boards ask for (one vocabulary across boards)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=250)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class BoardTarget(models.Model):
    """A board credential a trainee is aiming for, read against one version of its rules."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_targets"
    )
    credential = models.ForeignKey(BoardCredential, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(RequirementSet, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now_add=True)
    # What Peerpath cannot hold (identity, a background check, a notarised release...): the
    # trainee ticks each item when done. Codes from the version's documents and eligibility.
    ticked = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["chosen_at"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "credential"], name="boards_one_target")
        ]

    def __str__(self):
        return f"{self.trainee_id} → {self.credential.code}"
