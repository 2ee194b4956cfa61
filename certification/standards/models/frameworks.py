"""Workforce frameworks as data: Framework > Domain > Competency, loaded from
`certification/data/frameworks.yaml` by `manage.py load_frameworks`. Codes are stable natural
keys ("<framework>/<code>"), so a framework can be reloaded or updated without breaking what
points at it. Every node has a public page, because certificates link to them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

# Every model here keeps the table the certification app created (`db_table`): the models
# moved app, their rows did not.


class Verification(models.TextChoices):
    VERIFIED = "verified", _("Verified against the publisher's text")
    SECONDARY = "secondary", _("From a secondary source")
    RECALLED = "recalled", _("Recalled; to be checked")


class Framework(models.Model):
    """A published framework peer-work training can be aligned to (never "approved by")."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=250)
    publisher = models.CharField(_("publisher"), max_length=250, blank=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=120, blank=True)
    version = models.CharField(_("version"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    licence_note = models.CharField(_("licence note"), max_length=250, blank=True)
    note = models.TextField(_("note"), blank=True)
    verification = models.CharField(max_length=12, choices=Verification.choices, blank=True)
    retired = models.BooleanField(
        default=False, help_text=_("No longer in the data file; kept for history.")
    )

    class Meta:
        db_table = "certification_framework"
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frameworks:framework", kwargs={"framework": self.slug})


class Domain(models.Model):
    """A domain, category or unit of a framework."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="domains")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    sort_order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        db_table = "certification_domain"
        ordering = ["framework", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="certification_domain_code_once"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse(
            "frameworks:node", kwargs={"framework": self.framework.slug, "code": self.code}
        )

    @property
    def key(self) -> str:
        return f"{self.framework.slug}/{self.code}"


class Competency(models.Model):
    """One competency within a domain."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="competencies")
    code = models.CharField(_("code"), max_length=40)
    text = models.TextField(_("competency"))
    verification = models.CharField(max_length=12, choices=Verification.choices, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        db_table = "certification_competency"
        verbose_name_plural = _("competencies")
        ordering = ["domain", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "code"], name="certification_competency_code_once"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.text[:80]}"

    def get_absolute_url(self):
        return reverse(
            "frameworks:node", kwargs={"framework": self.domain.framework.slug, "code": self.code}
        )

    @property
    def key(self) -> str:
        return f"{self.domain.framework.slug}/{self.code}"


class CourseAlignment(Orderable):
    """A course or module aligned to a framework domain or competency. Lives in
    certification so that courses never depends on it; edited inline on the course and module
    pages (see apps.py)."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="alignments")
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="alignments"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, null=True, blank=True, related_name="alignments"
    )

    panels = [FieldPanel("domain"), FieldPanel("competency")]

    class Meta(Orderable.Meta):
        db_table = "certification_coursealignment"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain__isnull=False) | models.Q(competency__isnull=False),
                name="certification_alignment_has_target",
            )
        ]

    def __str__(self):
        return str(self.competency or self.domain)


class QuestionAlignment(models.Model):
    """A question-bank question aligned to a domain or competency (edited in the admin under
    Frameworks > Question alignments; the courses app never depends on certification)."""

    question = models.ForeignKey(
        "courses.Question", on_delete=models.CASCADE, related_name="alignments"
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="question_alignments"
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="question_alignments",
    )

    class Meta:
        db_table = "certification_questionalignment"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain__isnull=False) | models.Q(competency__isnull=False),
                name="certification_question_alignment_has_target",
            ),
            models.UniqueConstraint(
                fields=["question", "domain", "competency"],
                name="certification_question_alignment_once",
            ),
        ]

    def __str__(self):
        return f"{self.question} -> {self.competency or self.domain}"
