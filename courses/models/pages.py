"""The curriculum as Wagtail pages: CourseIndexPage > CoursePage > ModulePage > LessonPage.

Serving is thin: each page checks access through `courses.permissions`, asks
`courses.outline` for what the learner has done (a fixed number of queries whatever the size
of the course), and renders.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from cms.blocks import RICH_TEXT_FEATURES
from lms.private_pages import never_store

from ..blocks import LessonStreamBlock


class CourseIndexPage(Page):
    """The course catalogue."""

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from .. import outline

        context = super().get_context(request, *args, **kwargs)
        context["cards"] = outline.catalogue(index_page=self, user=request.user)
        return context

    def route(self, request, path_components):
        """Find a course, module, lesson or quiz in one or two queries instead of Wagtail's
        two per level: below the catalogue the page type follows from the depth, so ask that
        model for the live page with this URL. Learners open lessons more than anything."""
        from .quizzes import QuizPage

        candidates = {1: [CoursePage], 2: [ModulePage, QuizPage], 3: [LessonPage, QuizPage]}
        models_to_try = candidates.get(len(path_components))
        if not models_to_try:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        depth = self.depth + len(path_components)
        for model in models_to_try:
            page = (
                model.objects.live()
                .filter(slug=path_components[-1], depth=depth, url_path=url_path)
                .first()
            )
            if page is not None:
                return RouteResult(page)
        raise Http404


class CoursePage(Page):
    """A course: what it teaches, to whom, how long it takes, and how to enrol."""

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class EnrolmentMode(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in may enrol")
        COHORT = "cohort", _("By cohort: a trainer enrols learners")
        CLOSED = "closed", _("Closed: no new enrolments")

    summary = models.TextField(_("summary"), help_text=_("One or two sentences for the catalogue."))
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    audience = models.CharField(_("who it is for"), max_length=250, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY
    )
    estimated_minutes_override = models.PositiveIntegerField(
        _("estimated time (minutes)"),
        null=True,
        blank=True,
        help_text=_("Leave blank to add up the estimated times of the lessons."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    cover_alt_text = models.CharField(
        _("cover image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Required with a cover image: describe what it shows."),
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a learner must complete before enrolling in this one."),
    )
    enrolment_mode = models.CharField(
        _("enrolment"), max_length=20, choices=EnrolmentMode.choices, default=EnrolmentMode.OPEN
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("introduction"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("level"),
                FieldPanel("estimated_minutes_override"),
            ],
            heading=_("About the course"),
        ),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_alt_text")], heading=_("Cover")
        ),
        MultiFieldPanel(
            [FieldPanel("enrolment_mode"), FieldPanel("prerequisites")], heading=_("Enrolment")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.FilterField("level"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        if self.cover_image_id and not self.cover_alt_text.strip():
            raise ValidationError(
                {"cover_alt_text": _("Describe the cover image for screen readers.")}
            )
        if self.pk and any(course.pk == self.pk for course in self.prerequisites.all()):
            raise ValidationError({"prerequisites": _("A course cannot be its own prerequisite.")})

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def serve(self, request, *args, **kwargs):
        from lms import hours

        from .. import outline
        from ..services import contact_hours

        context = self.get_context(request, *args, **kwargs)
        context["catalogue_page_url"] = outline.parent_url(self)
        context["outline"] = course_outline = outline.course_outline(course=self, user=request.user)
        context["preview"] = getattr(request, "is_preview", False)
        enrolment = course_outline.enrolment
        # The hours the course carries now; a learner who completed it keeps theirs.
        own = enrolment.contact_hours_version if enrolment and enrolment.completed_at else None
        current = contact_hours.current_version(self.pk)
        context["contact_hours"], context["own_contact_hours"] = contact_hours.summaries(
            [current, own if own and own != current else None]
        )
        # What else completion waits for (required live sessions, registered by apps above),
        # asked once every lesson and required quiz is done: until then the outline says
        # what is left, and the page costs no more queries.
        context["completion_blockers"] = (
            hours.completion_blockers(request.user.pk, self.pk)
            if enrolment
            and not enrolment.completed_at
            and not enrolment.withdrawn_at
            and course_outline.done >= course_outline.total
            else []
        )
        return render(request, self.get_template(request), context)

    def serve_preview(self, request, mode_name):
        """The course page as a visitor sees it, with the live outline below this draft."""
        return self.serve(request)


class ModulePage(Page):
    """A module groups lessons (and, with assessment, a quiz) within a course."""

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        from .. import outline, permissions

        # The learner's enrolment brings the course with it; else the course alone.
        enrolment = permissions.enrolment_at(
            user=request.user, course_path=self.path[: -self.steplen]
        )
        course = enrolment.course if enrolment else CoursePage.objects.ancestor_of(self).first()
        context = self.get_context(request, *args, **kwargs)
        context["course"] = course
        context["outline"] = outline.course_outline(
            course=course, user=request.user, enrolment=enrolment
        )
        context["module_outline"] = context["outline"].module(self.pk)
        from ..services import contact_hours

        [context["contact_hours"]] = contact_hours.summaries(
            [contact_hours.current_version(self.pk)]
        )
        return render(request, self.get_template(request), context)

    def serve_preview(self, request, mode_name):
        """The module page as a visitor sees it; an unsaved module has its place in the tree
        (Wagtail gives it a path), so its course is found the same way."""
        return self.serve(request)


class LessonPage(Page):
    """A lesson: readable at the learner's pace, with content notes, private reflections,
    "take a break" and quick exit. Only enrolled learners (and staff previews) see it."""

    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=15)
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    @cached_property
    def course(self):
        return CoursePage.objects.ancestor_of(self).first()

    def serve(self, request, *args, **kwargs):
        from .. import outline, permissions, services

        if not request.user.is_authenticated:
            return redirect_to_login(request)
        # The enrolment and its course in one query (a lesson sits two levels below its course).
        enrolment = permissions.enrolment_at(
            user=request.user, course_path=self.path[: -2 * self.steplen]
        )
        if enrolment is not None:
            self.__dict__["course"] = enrolment.course  # the cached_property, no query
        course = self.course
        if enrolment is None:
            return render(
                request,
                "courses/lesson_not_enrolled.html",
                {"page": self, "course": course},
                status=403,
            )
        state = outline.lesson_state(
            lesson=self, course=course, user=request.user, enrolment=enrolment
        )
        services.record_visit(
            user=request.user, lesson=self, enrolment=enrolment, progress=state.item.progress
        )
        context = self.get_context(request, *args, **kwargs)
        context.update(course=course, enrolment=enrolment, state=state)
        # The learner's own reflections are in the page: never kept by a browser or proxy.
        return never_store(render(request, self.get_template(request), context))

    def serve_preview(self, request, mode_name):
        """The whole body, unfolded, with no learner state: an editor checks every block."""
        context = self.get_context(request)
        context.update(course=self.course, preview=True)
        return render(request, self.get_template(request), context)


def redirect_to_login(request):
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(request.get_full_path())
