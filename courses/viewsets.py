"""Admin viewsets for course operations: cohorts, the question bank and quiz accommodations.
Reflections are deliberately absent: they are private to the learner and have no admin view
of any kind."""

from django.forms import modelform_factory
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser

from . import admin_views
from .models import QUESTION_TYPES, Accommodation, Cohort, Question, QuizPage


class OrganisationScopedViewSet(ModelViewSet):
    """A viewset of rows owned by an organisation. Its views ask the model's registered
    `permissions.OrganisationScopedPolicy` for the rows a user may act on (a row outside is
    not found), and its form (`base_form_class`, given `for_user`) offers only the choices
    of the user's organisations. tests/security checks that every viewset of our models is
    scoped like this or is listed there as global."""

    index_view_class = admin_views.ScopedIndexView
    add_view_class = admin_views.ScopedCreateView
    copy_view_class = admin_views.ScopedCopyView
    edit_view_class = admin_views.ScopedEditView
    delete_view_class = admin_views.ScopedDeleteView
    inspect_view_class = admin_views.ScopedInspectView
    history_view_class = admin_views.ScopedHistoryView
    usage_view_class = admin_views.ScopedUsageView
    base_form_class = None

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=self.base_form_class,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.form_fields,
        )


class CohortViewSet(OrganisationScopedViewSet):
    """Cohorts of the training providers the user may act for: every view, the form's choices
    and the filters ask `permissions.py` (see admin_views.CohortAdminForm)."""

    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    menu_order = 210
    add_to_admin_menu = True
    form_fields = [
        "name",
        "course",
        "trainer",
        "organisation",
        "start_date",
        "end_date",
        "learners",
    ]
    list_display = ["name", "course", "trainer", "start_date", "end_date"]
    filterset_class = admin_views.CohortFilterSet
    search_fields = ["name"]
    base_form_class = admin_views.CohortAdminForm


# The question bank. Each type gets its own viewset, so its create and edit forms use that
# type's `panels`: a polymorphic base cannot have one form for all types, and Wagtail's
# InlinePanel cannot hold polymorphic children, so quizzes point at questions through a
# chooser instead.


class QuestionTypeViewSet(ModelViewSet):
    """Create, list, edit, copy and delete questions of one type."""

    index_view_class = admin_views.QuestionTypeIndexView
    edit_view_class = admin_views.QuestionEditView
    delete_view_class = admin_views.QuestionDeleteView
    usage_view_class = admin_views.QuestionUsageView
    # Search the database rather than the search index: the listing is small, and a
    # question is findable as soon as it is saved (the index updates after commit).
    search_fields = ["title", "stem"]
    search_backend_name = None
    # Explicit: the listing's count annotation (GROUP BY) makes Django drop Meta.ordering.
    ordering = "title"

    def __init__(self, model, **kwargs):
        super().__init__(
            name=admin_views.type_viewset_name(model),
            model=model,
            url_prefix=f"questions/{model.type_key.replace('_', '-')}",
            icon=admin_views.TYPE_ICONS.get(model.type_key, "help"),
            filterset_class=admin_views.filterset_for(model),
            **kwargs,
        )


class QuestionViewSet(ModelViewSet):
    """All questions of every type. It has no forms of its own: "Add a question" asks for a
    type first, and each row's edit, copy and delete links go to its type's viewset."""

    model = Question
    name = "questions"
    icon = "list-ul"
    menu_label = _("All questions")
    index_view_class = admin_views.QuestionIndexView
    filterset_class = admin_views.AllQuestionsFilterSet
    search_fields = ["title", "stem"]
    search_backend_name = None
    ordering = "title"
    copy_view_enabled = False

    @property
    def select_type_view(self):
        return admin_views.SelectQuestionTypeView.as_view(
            index_url_name=self.get_url_name("index"),
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.select_type_view, name="add"),
            path("edit/<id:pk>/", admin_views.edit_specific_question, name="edit"),
        ]


class QuestionChooserViewSet(ChooserViewSet):
    """The chooser for `QuizQuestion.question`. Registering it makes it the admin widget of
    every ForeignKey to `Question`, so the quiz editor's `FieldPanel("question")` opens a
    searchable modal (filter by type and status; drafts are labelled, not hidden: a quiz
    shows exactly the questions it lists, so a trainer may line up drafts before publishing
    them)."""

    model = Question
    icon = "clipboard-list"
    choose_one_text = _("Choose a question")
    choose_another_text = _("Choose another question")
    edit_item_text = _("Edit this question")
    base_widget_class = admin_views.QuestionChooserWidget
    choose_view_class = admin_views.QuestionChooseView
    choose_results_view_class = admin_views.QuestionChooseResultsView
    chosen_view_class = admin_views.QuestionChosenView
    per_page = 20


question_chooser_viewset = QuestionChooserViewSet("question_chooser")


class QuestionBankViewSetGroup(ViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "clipboard-list"
    menu_order = 205
    items = (
        QuestionViewSet,
        *(QuestionTypeViewSet(model) for model in QUESTION_TYPES.values()),
    )


class AccommodationViewSet(OrganisationScopedViewSet):
    """Extra time or attempts for one learner on one quiz. Trainers add and change them, for
    the learners of their organisations' cohorts only; removing one is left to administrators,
    since it can take time back mid-course."""

    model = Accommodation
    icon = "time"
    menu_label = _("Quiz accommodations")
    menu_order = 215
    add_to_admin_menu = True
    copy_view_enabled = False
    form_fields = ["quiz", "user", "extra_minutes", "extra_attempts", "note"]
    list_display = ["user", "quiz", "extra_minutes", "extra_attempts", "note"]
    filterset_class = admin_views.AccommodationFilterSet
    search_fields = ["user__email", "user__legal_name", "user__preferred_name", "quiz__title"]
    base_form_class = admin_views.AccommodationAdminForm

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "quiz":
            # Browse the course tree to the quiz: a flat list of titles gives no course context.
            kwargs["widget"] = AdminPageChooser(target_models=[QuizPage])
        if db_field.name == "user":
            # The form narrows the choices to the user's own learners (AccommodationAdminForm).
            kwargs["label"] = _("Learner")
        return super().formfield_for_dbfield(db_field, **kwargs)
