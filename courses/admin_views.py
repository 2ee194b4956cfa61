"""Admin views for the question bank: the "choose a question type" screen, the listing of
every type at once, where a question is used, and a delete that explains why a question in
use stays; and the organisation scoping of the cohort and accommodation views (their views,
forms and filters ask `permissions.py`). The viewsets in `viewsets.py` put them together;
nothing here registers itself.

A question's admin URLs live under its type's viewset, named `question_<type_key>`, so every
link to a question goes through `question_url()` with the question's real type.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from taggit.models import Tag
from wagtail.admin import messages
from wagtail.admin.filters import MultipleContentTypeFilter, WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.side_panels import StatusSidePanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.permissions import policy_registry

from . import permissions
from .models import QUESTION_TYPES, Accommodation, Cohort, CoursePage, Question, QuizPage, Response

# -- Naming and looking up a question's type ------------------------------------------------

TYPE_ICONS = {
    "single_choice": "radio-full",
    "multiple_response": "tasks",
    "true_false": "tick-inverse",
    "ordering": "order",
    "matching": "link",
    "scenario_judgement": "list-ol",
    "written_response": "edit",
    "choice_with_justification": "comment",
}


def type_viewset_name(model) -> str:
    """The URL namespace of a question type's viewset."""
    return f"question_{model.type_key}"


def question_type(question) -> type[Question]:
    """The concrete type of a question, without a query (the content type is cached)."""
    return question.get_real_instance_class()


def question_url(question, view: str = "edit") -> str:
    model = question if isinstance(question, type) else question_type(question)
    if view in ("add", "index"):
        return reverse(f"{type_viewset_name(model)}:{view}")
    return reverse(f"{type_viewset_name(model)}:{view}", args=(quote(question.pk),))


def user_can(user, model, action: str) -> bool:
    return policy_registry.get_by_type(model).user_has_permission(user, action)


def addable_types(user) -> list[type[Question]]:
    """The question types this user may create, in the order they are defined."""
    return [model for model in QUESTION_TYPES.values() if user_can(user, model, "add")]


def type_description(model) -> str:
    """The first sentence of the type's docstring: what an author needs to pick a type."""
    first_paragraph = (model.__doc__ or "").strip().split("\n\n")[0]
    text = " ".join(first_paragraph.split())
    sentence, dot, _rest = text.partition(". ")
    return sentence + "." if dot else text


def display_title(question) -> str:
    """A question as a chooser shows it: title, type, and a visible mark on drafts."""
    label = f"{question.title} ({question_type(question).type_label})"
    if question.status == Question.Status.DRAFT:
        label = _("%(question)s [draft]") % {"question": label}
    return str(label)


# -- Where a question is used ----------------------------------------------------------------


class QuestionUsage:
    """Everything that points at a question: quizzes listing it (`QuizQuestion`, PROTECT) and
    learners' responses in attempts (`Response`, PROTECT). Either one makes it undeletable.
    Quizzes that draw at random by tag are listed too, though they do not block deletion."""

    def __init__(self, question):
        self.question = question

    @cached_property
    def quizzes(self) -> list[QuizPage]:
        return list(
            QuizPage.objects.filter(quiz_questions__question=self.question)
            .distinct()
            .order_by("title")
        )

    @cached_property
    def response_count(self) -> int:
        return Response.objects.filter(question=self.question).count()

    @cached_property
    def attempt_count(self) -> int:
        return (
            Response.objects.filter(question=self.question).values("attempt_id").distinct().count()
        )

    @cached_property
    def drawing_quizzes(self) -> list[QuizPage]:
        if self.question.status != Question.Status.PUBLISHED:
            return []
        tags = list(self.question.tags.values_list("name", flat=True))
        return list(
            QuizPage.objects.filter(
                selection=QuizPage.Selection.RANDOM, draw_tag__in=tags
            ).order_by("title")
        )

    @property
    def is_protected(self) -> bool:
        return bool(self.quizzes or self.response_count)

    def count(self) -> int:
        """Quizzes listing the question: what the status panel and delete screen count."""
        return len(self.quizzes)


def quiz_edit_url(quiz) -> str:
    return reverse("wagtailadmin_pages:edit", args=(quiz.pk,))


# -- Filters ---------------------------------------------------------------------------------


def question_tags(request=None):
    """Tags in use on questions (not every tag in the site)."""
    return (
        Tag.objects.filter(courses_taggedquestion_items__isnull=False).distinct().order_by("name")
    )


def question_content_types(request=None):
    content_types = ContentType.objects.get_for_models(*QUESTION_TYPES.values())
    return ContentType.objects.filter(pk__in=[ct.pk for ct in content_types.values()])


class QuestionFilterSet(WagtailFilterSet):
    """Filters for one type's listing: status, difficulty, tag."""

    tags = django_filters.ModelMultipleChoiceFilter(
        field_name="tags",
        label=_("Tag"),
        queryset=question_tags,
        distinct=True,
    )

    class Meta:
        model = Question
        fields = ["status", "difficulty", "tags"]


class AllQuestionsFilterSet(QuestionFilterSet):
    """Filters for the listing of every type: type, status, difficulty, tag."""

    type = MultipleContentTypeFilter(
        field_name="polymorphic_ctype",
        label=_("Type"),
        queryset=question_content_types,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(QuestionFilterSet.Meta):
        fields = ["type", "status", "difficulty", "tags"]


def filterset_for(model):
    """A `QuestionFilterSet` bound to one question type."""
    meta = type("Meta", (QuestionFilterSet.Meta,), {"model": model})
    return type(f"{model.__name__}FilterSet", (QuestionFilterSet,), {"Meta": meta})


# -- Listings --------------------------------------------------------------------------------


class UsedInColumn(Column):
    """How many quizzes list the question, linked to its usage view."""

    cell_template_name = "courses/admin/used_in_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["usage_url"] = question_url(instance, "usage")
        return context


def question_columns(title_column, *, with_type=False):
    columns = [title_column]
    if with_type:
        columns.append(
            Column(
                "type",
                label=_("Type"),
                accessor=lambda q: question_type(q).type_label,
            )
        )
    columns += [
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor="get_status_display",
            primary=lambda q: q.status == Question.Status.PUBLISHED,
            sort_key="status",
        ),
        Column(
            "difficulty",
            label=_("Difficulty"),
            accessor="get_difficulty_display",
            sort_key="difficulty",
        ),
        UsedInColumn("quiz_count", label=_("Used in"), sort_key="quiz_count"),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    return columns


class QuestionTypeIndexView(generic.IndexView):
    """The listing of one question type."""

    def get_base_queryset(self):
        # Rows are already of the listed type: skip django-polymorphic's second lookup.
        return (
            super()
            .get_base_queryset()
            .non_polymorphic()
            .annotate(quiz_count=Count("quiz_uses", distinct=True))
        )

    @cached_property
    def columns(self):
        return question_columns(self._get_title_column("title"))


class QuestionIndexView(QuestionTypeIndexView):
    """Every question of every type. Each row links to its own type's views; "Add a question"
    leads to the choose-a-type screen."""

    page_title = _("All questions")
    add_item_label = _("Add a question")

    @cached_property
    def columns(self):
        return question_columns(self._get_title_column("title"), with_type=True)

    def get_add_url(self):
        if addable_types(self.request.user):
            return reverse(self.add_url_name)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        # The generic view asks for "add" on the base model; here any type will do.
        context["can_add"] = bool(self.add_url)
        if self.add_url:
            context["add_url"] = context["header_action_url"] = self.add_url
            context["header_action_label"] = self.add_item_label
        return context

    def _type_url(self, instance, action, view):
        model = question_type(instance)
        if user_can(self.request.user, model, action):
            return question_url(instance, view)

    def get_edit_url(self, instance):
        return self._type_url(instance, "change", "edit")

    def get_copy_url(self, instance):
        return self._type_url(instance, "add", "copy")

    def get_delete_url(self, instance):
        return self._type_url(instance, "delete", "delete")

    def get_inspect_url(self, instance):
        return None


class SelectQuestionTypeView(WagtailAdminTemplateMixin, TemplateView):
    """Step one of adding a question: pick its type (step two is that type's create form).
    Follows Wagtail's `select_task_type`."""

    template_name = "courses/admin/select_question_type.html"
    page_title = _("Add a question")
    header_icon = "clipboard-list"
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        self.types = addable_types(request.user)
        if not self.types:
            raise PermissionDenied
        if len(self.types) == 1:
            return redirect(question_url(self.types[0], "add"))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("All questions")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question_types"] = [
            {
                "label": capfirst(model.type_label),
                "description": type_description(model),
                "marked_by_trainer": not model.auto_graded,
                "url": question_url(model, "add"),
                "icon": TYPE_ICONS.get(model.type_key, "help"),
            }
            for model in self.types
        ]
        return context


def edit_specific_question(request, pk):
    """The base model's edit URL (used by the admin URL finder for a plain `Question`):
    send the editor to the question's own type."""
    question = get_object_or_404(Question.objects.non_polymorphic(), pk=pk)
    return redirect(question_url(question, "edit"))


# -- One question: edit, usage, delete -------------------------------------------------------


class QuestionStatusSidePanel(StatusSidePanel):
    """The status side panel, counting the quizzes that list the question rather than
    Wagtail's reference index (which does not know about learners' responses)."""

    def get_usage_context(self):
        count = QuestionUsage(self.object).count() if self.object.pk else 0
        return {
            "usage_count": count,
            "usage_url": self.usage_url,
            "usage_url_text": ngettext("Used in %(count)s quiz", "Used in %(count)s quizzes", count)
            % {"count": count},
        }


class QuestionEditView(generic.EditView):
    """The type's own panels, with a note of where the question is used: an edit changes
    what future attempts show, never an attempt already started (it keeps a snapshot)."""

    template_name = "courses/admin/question_edit.html"

    def get_side_panels(self):
        return MediaContainer(
            [
                QuestionStatusSidePanel(
                    self.object,
                    self.request,
                    usage_url=self.get_usage_url(),
                    history_url=self.get_history_url(),
                    last_updated_info=self.get_last_updated_info(),
                )
            ]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["usage"] = QuestionUsage(self.object)
        context["usage_url"] = self.get_usage_url()
        return context


class QuestionUsageView(UsageView):
    """Which quizzes list this question (linked to the page editor), which random-draw
    quizzes may pick it, and how many learners' answers refer to it."""

    template_name = "courses/admin/question_usage.html"
    permission_required = "view"
    page_title = _("Used in")
    no_results_message = _("No quiz lists this question.")

    @cached_property
    def usage(self):
        return QuestionUsage(self.object)

    def get_queryset(self):
        return (
            QuizPage.objects.filter(quiz_questions__question=self.object)
            .distinct()
            .order_by("title")
        )

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Quiz"),
                get_url=quiz_edit_url,
            ),
            Column(
                "parent",
                label=_("In"),
                accessor=lambda quiz: quiz.get_parent().title,
            ),
            StatusTagColumn(
                "live",
                label=_("Status"),
                accessor=lambda quiz: _("Live") if quiz.live else _("Draft"),
                primary=lambda quiz: quiz.live,
            ),
        ]

    def get_table(self, object_list, **kwargs):
        return self.table_class(self.columns, object_list, **self.get_table_kwargs())

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["usage"] = self.usage
        return context


class QuestionDeleteView(generic.DeleteView):
    """Delete a question nothing refers to. A question listed on a quiz or answered in an
    attempt is protected by the database (on_delete=PROTECT): the screen says where it is
    used and what to do instead, and a POST is refused with the same explanation."""

    template_name = "courses/admin/question_confirm_delete.html"

    def get_usage(self):
        return QuestionUsage(self.object)

    def protected_message(self):
        usage = self.usage
        parts = []
        if usage.quizzes:
            parts.append(
                ngettext(
                    "it is listed on %(count)s quiz",
                    "it is listed on %(count)s quizzes",
                    len(usage.quizzes),
                )
                % {"count": len(usage.quizzes)}
            )
        if usage.response_count:
            parts.append(
                ngettext(
                    "learners have answered it in %(count)s attempt",
                    "learners have answered it in %(count)s attempts",
                    usage.attempt_count,
                )
                % {"count": usage.attempt_count}
            )
        return _("'%(question)s' cannot be deleted: %(reasons)s.") % {
            "question": self.object.title,
            "reasons": _(" and ").join(str(p) for p in parts),
        }

    def form_valid(self, form):
        if self.usage.is_protected:
            messages.error(self.request, self.protected_message())
            return redirect(self.get_delete_url())
        try:
            return super().form_valid(form)
        except ProtectedError:
            # Something started using it between the check and the delete.
            messages.error(self.request, self.protected_message())
            return redirect(self.get_delete_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["usage"] = self.usage
        context["protected_message"] = self.protected_message() if self.usage.is_protected else ""
        return context


# -- Chooser ---------------------------------------------------------------------------------


class QuestionChooserWidget(BaseChooser):
    """Shows the chosen question with its type and a draft mark."""

    def get_display_title(self, instance):
        return display_title(instance)


class QuestionChooserFilterForm(BaseFilterForm):
    """Search by title or question text, and narrow by type and status. Searches the
    database directly, so a question is findable the moment it is saved."""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Question.Status.choices],
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            ("", _("All types")),
            *((key, capfirst(model.type_label)) for key, model in QUESTION_TYPES.items()),
        ]

    def filter(self, objects):
        query = self.cleaned_data.get("q")
        if query:
            objects = objects.filter(Q(title__icontains=query) | Q(stem__icontains=query))
            self.is_searching = True
            self.search_query = query
        if type_key := self.cleaned_data.get("type"):
            content_type = ContentType.objects.get_for_model(QUESTION_TYPES[type_key])
            objects = objects.filter(polymorphic_ctype=content_type)
        if status := self.cleaned_data.get("status"):
            objects = objects.filter(status=status)
        return objects


class QuestionChooseViewMixin:
    filter_form_class = QuestionChooserFilterForm

    def get_object_list(self):
        return Question.objects.non_polymorphic().order_by("title")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("type", label=_("Type"), accessor=lambda q: question_type(q).type_label),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda q: q.status == Question.Status.PUBLISHED,
            ),
        ]


class QuestionChooseView(QuestionChooseViewMixin, chooser_views.ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseViewMixin, chooser_views.ChooseResultsView):
    pass


class QuestionChosenView(chooser_views.ChosenView):
    def get_display_title(self, instance):
        return display_title(instance)


# -- Organisation scoping: cohorts and accommodations ----------------------------------------
# The model's permission policy (`permissions.OrganisationScopedPolicy`, registered in
# wagtail_hooks.py) says which rows a user may act on; these mixins make every view ask it.

ANY_ACTION = ["add", "change", "delete", "view"]


class ScopedIndexMixin:
    """A listing of only the rows of the user's organisations."""

    def get_base_queryset(self):
        allowed = self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ANY_ACTION
        )
        return super().get_base_queryset().filter(pk__in=allowed.values("pk"))


class ScopedObjectMixin:
    """One row: outside the user's organisations it is not found, for a holder of the model
    permission (anyone else gets Wagtail's own refusal, as before)."""

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        policy, user = self.permission_policy, self.request.user
        if policy.user_has_any_permission(
            user, ANY_ACTION
        ) and not policy.user_has_any_permission_for_instance(user, ANY_ACTION, instance):
            raise Http404
        return instance


class ScopedFormMixin(ScopedObjectMixin):
    """Create and edit: the form narrows its choices to the user's organisations."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs


class ScopedIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class ScopedCreateView(ScopedFormMixin, generic.CreateView):
    pass


class ScopedCopyView(ScopedFormMixin, generic.CopyView):
    pass


class ScopedEditView(ScopedFormMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    """Deleting something other records must keep (a cohort with live sessions and signed
    registers) is refused with a message naming them, never a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as refused:
            kinds = sorted(
                {str(type(obj)._meta.verbose_name_plural) for obj in refused.protected_objects}
            )
            messages.error(
                self.request,
                _("'%(object)s' cannot be deleted: %(kinds)s still belong to it.")
                % {"object": self.object, "kinds": ", ".join(kinds)},
            )
            return redirect(self.get_delete_url())


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass


def _with_current(queryset, pk):
    """`queryset`, plus the row already chosen (so an unchanged value stays valid)."""
    if pk is None:
        return queryset
    model = queryset.model
    return model._default_manager.filter(Q(pk__in=queryset.values("pk")) | Q(pk=pk))


class CohortAdminForm(forms.ModelForm):
    """A cohort, as one user may set it: training providers, trainers and learners are only
    those the user may choose (permissions.py). The trainer and the provider are fixed for
    anyone who may not assign trainers in the cohort's organisation: a trainer never puts
    themself, or a colleague, in charge of a cohort."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = user = for_user
        instance = self.instance
        organisation = self.fields["organisation"]
        organisation.required = True
        organisation.queryset = _with_current(
            permissions.organisations_for_cohorts(user), instance.organisation_id
        )
        self.assigns = permissions.organisations_assigning_trainers(user)
        if instance.pk and instance.organisation_id:
            self.assigns = self.assigns.filter(pk=instance.organisation_id)
        trainer = self.fields["trainer"]
        trainer.queryset = _with_current(
            permissions.trainers_assignable_by(user), instance.trainer_id
        )
        if not self.assigns.exists():
            trainer.disabled = organisation.disabled = True
            trainer.help_text = _(
                "Set by an organisation admin or a registrar, never by the trainer."
            )
        self.fields["learners"].queryset = permissions.learners_addable_by(user)

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if organisation is None:
            return cleaned
        trainer = cleaned.get("trainer")
        if (
            trainer is not None
            and not self.fields["trainer"].disabled
            and not permissions.trainers_assignable_by(self.for_user, organisation)
            .filter(pk=trainer.pk)
            .exists()
        ):
            self.add_error(
                "trainer",
                _("Choose a trainer of %(organisation)s (other than yourself).")
                % {"organisation": organisation},
            )
        learners = cleaned.get("learners")
        if learners is not None:
            allowed = permissions.learners_addable_by(self.for_user, organisation)
            outside = learners.exclude(pk__in=allowed.values("pk"))
            if outside.exists():
                self.add_error(
                    "learners",
                    _("Only trainees of %(organisation)s can be learners in its cohorts.")
                    % {"organisation": organisation},
                )
        return cleaned


def cohort_courses(request=None):
    return CoursePage.objects.order_by("title")


def cohort_trainers(request):
    """Trainers of the cohorts the user may see: the filter never lists anyone else."""
    cohorts = permissions.cohorts_managed_by(request.user) if request else Cohort.objects.none()
    return get_user_model().objects.filter(cohorts_taught__in=cohorts).distinct()


class CohortFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(label=_("Course"), queryset=cohort_courses)
    trainer = django_filters.ModelChoiceFilter(label=_("Trainer"), queryset=cohort_trainers)

    class Meta:
        model = Cohort
        fields = ["course", "trainer"]


class AccommodationAdminForm(forms.ModelForm):
    """An accommodation for a learner of the user's organisations (permissions.learners_of)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.fields["user"].queryset = _with_current(
            permissions.learners_of(for_user).filter(is_active=True), self.instance.user_id
        )

    def clean(self):
        cleaned = super().clean()
        learner = cleaned.get("user")
        if learner is not None and not permissions.can_accommodate(self.for_user, learner=learner):
            self.add_error("user", _("Choose a learner of your own organisation."))
        return cleaned


def accommodation_quizzes(request):
    """Quizzes of the accommodations the user may see."""
    if request is None:
        return QuizPage.objects.none()
    scope = permissions.accommodations_managed_by(request.user)
    return QuizPage.objects.filter(accommodations__in=scope).distinct().order_by("title")


class AccommodationFilterSet(WagtailFilterSet):
    quiz = django_filters.ModelChoiceFilter(label=_("Quiz"), queryset=accommodation_quizzes)

    class Meta:
        model = Accommodation
        fields = ["quiz"]
