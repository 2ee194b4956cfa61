"""Authoring the question bank in the Wagtail admin: one viewset per question type grouped
under "Question bank", an all-questions listing with filters, the choose-a-type screen,
where a question is used, deleting a used question, the quiz editor's question chooser, and
accommodations. Run as a superuser and as a trainer holding only the Trainers group."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from taggit.models import Tag
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import (
    QUESTION_TYPES,
    Accommodation,
    Attempt,
    CoursePage,
    Question,
    Response,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from lms.accounts.roles import QUESTION_MODELS, ROLE_GROUPS, TRAINERS
from tests.factories import (
    QUESTION_FACTORIES,
    CohortFactory,
    MembershipFactory,
    QuizPageFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["superuser", "trainer"])
def author(request, roles):
    """Each test runs once as a superuser and once as a trainer in the real Trainers group."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def author_client(client, author, site):
    # The admin home links the page tree's root, which a transactional test run earlier on
    # the same worker flushes with every other row: `site` builds it again when missing.
    client.force_login(author)
    return client


def add_url(model):
    return reverse(f"question_{model.type_key}:add")


def test_trainers_group_covers_every_question_type():
    """A new question type without trainer permissions would be invisible to trainers."""
    expected = {"question"} | {model._meta.model_name for model in QUESTION_TYPES.values()}
    assert set(QUESTION_MODELS) == expected
    codes = set(ROLE_GROUPS[TRAINERS])
    for model_name in expected:
        for action in ("add", "change", "view", "delete"):
            assert f"courses.{action}_{model_name}" in codes


def test_choose_type_screen_lists_every_type_and_each_link_opens_its_form(author_client):
    index = author_client.get(reverse("questions:index"))
    assert index.status_code == 200
    choose_url = reverse("questions:add")
    assert choose_url in index.content.decode()
    assert "Add a question" in index.content.decode()

    response = author_client.get(choose_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert len(QUESTION_TYPES) == 8
    for model in QUESTION_TYPES.values():
        assert str(model.type_label) in page
        assert f'href="{add_url(model)}"' in page
        form = author_client.get(add_url(model))
        assert form.status_code == 200
        # The type's own panels: every type has the shared title and stem fields...
        assert 'name="title"' in form.content.decode()
    # ...and its own content fields.
    single = author_client.get(add_url(SingleChoiceQuestion)).content.decode()
    assert 'data-contentpath="options"' in single
    true_false = author_client.get(add_url(TrueFalseQuestion)).content.decode()
    assert 'name="correct_answer"' in true_false


def test_menu_groups_the_bank(author_client):
    page = author_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Question bank" in page
    assert "All questions" in page
    assert "Quiz accommodations" in page


def test_every_type_has_working_edit_copy_history_usage_and_delete_views(author_client):
    for type_key, factory_class in QUESTION_FACTORIES.items():
        question = factory_class()
        for view in ("edit", "copy", "history", "usage", "delete"):
            url = reverse(f"question_{type_key}:{view}", args=[question.pk])
            assert author_client.get(url).status_code == 200, url
        # The base model's edit URL (what the admin URL finder gives for a plain Question)
        # sends the editor on to the question's own type.
        response = author_client.get(reverse("questions:edit", args=[question.pk]))
        assert response["Location"] == reverse(f"question_{type_key}:edit", args=[question.pk])


def test_creating_a_single_choice_question_saves_its_options(author_client):
    data = nested_form_data(
        {
            "title": "Who owns the plan",
            "stem": rich_text("<p>Who decides what goes into a recovery plan?</p>"),
            "options": streamfield(
                [
                    ("option", {"text": "The person", "is_correct": "on", "feedback": "Yes."}),
                    ("option", {"text": "The peer worker", "feedback": "You support."}),
                    ("option", {"text": "The manager", "feedback": ""}),
                ]
            ),
            "feedback": "It is their plan.",
            "difficulty": "easy",
            "points": "1",
            "status": "published",
            "tags": "recovery-planning, ethics",
        }
    )
    response = author_client.post(add_url(SingleChoiceQuestion), data)
    assert response.status_code == 302, response.context["form"].errors
    question = SingleChoiceQuestion.objects.get(title="Who owns the plan")
    assert [o.value["text"] for o in question.options] == [
        "The person",
        "The peer worker",
        "The manager",
    ]
    assert [bool(o.value["is_correct"]) for o in question.options] == [True, False, False]
    assert question.options[1].value["feedback"] == "You support."
    assert set(question.tags.names()) == {"recovery-planning", "ethics"}
    assert question.status == Question.Status.PUBLISHED
    # It grades like any other question: the saved options are usable, ids and all.
    correct_id = question.options[0].id
    assert question.grade(correct_id).correct


def test_all_questions_index_filters_by_type_status_and_tag_and_searches(author_client):
    SingleChoiceQuestionFactory(title="Plan ownership", tags=["ethics"])
    TrueFalseQuestionFactory(title="Confidentiality limits", status=Question.Status.DRAFT)
    QUESTION_FACTORIES["matching"](title="Matching limits", tags=["ethics"])
    url = reverse("questions:index")

    page = author_client.get(url).content.decode()
    for title in ("Plan ownership", "Confidentiality limits", "Matching limits"):
        assert title in page
    # Each row says its type and links to its own type's edit view.
    assert "True or false" in page
    draft = TrueFalseQuestion.objects.get()
    assert reverse("question_true_false:edit", args=[draft.pk]) in page

    true_false_type = ContentType.objects.get_for_model(TrueFalseQuestion)
    by_type = author_client.get(url, {"type": true_false_type.pk}).content.decode()
    assert "Confidentiality limits" in by_type
    assert "Plan ownership" not in by_type and "Matching limits" not in by_type

    drafts = author_client.get(url, {"status": "draft"}).content.decode()
    assert "Confidentiality limits" in drafts and "Plan ownership" not in drafts

    ethics = Tag.objects.get(name="ethics")
    tagged = author_client.get(url, {"tags": ethics.pk}).content.decode()
    assert "Plan ownership" in tagged and "Matching limits" in tagged
    assert "Confidentiality limits" not in tagged

    found = author_client.get(url, {"q": "ownership"}).content.decode()
    assert "Plan ownership" in found and "Matching limits" not in found


def test_type_index_lists_only_its_type_and_filters_by_status(author_client):
    SingleChoiceQuestionFactory(title="Published one")
    SingleChoiceQuestionFactory(title="Draft one", status=Question.Status.DRAFT)
    TrueFalseQuestionFactory(title="Another type")
    url = reverse("question_single_choice:index")
    page = author_client.get(url).content.decode()
    assert "Published one" in page and "Draft one" in page
    assert "Another type" not in page
    drafts = author_client.get(url, {"status": "draft"}).content.decode()
    assert "Draft one" in drafts and "Published one" not in drafts


@pytest.fixture
def used_question(site):
    """A question listed on a quiz and answered in one learner's attempt."""
    question = SingleChoiceQuestionFactory(title="Plan ownership")
    quiz = QuizPageFactory(title="Check your understanding: plans", questions=[question])
    learner = UserFactory()
    attempt = Attempt.objects.create(user=learner, quiz=quiz, number=1, seed=1, items=[])
    Response.objects.create(attempt=attempt, position=0, question=question)
    return question, quiz


def test_used_in_names_the_quiz_and_counts_answers(author_client, used_question):
    question, quiz = used_question
    usage = author_client.get(reverse("question_single_choice:usage", args=[question.pk]))
    assert usage.status_code == 200
    page = usage.content.decode()
    assert quiz.title in page
    assert reverse("wagtailadmin_pages:edit", args=[quiz.pk]) in page
    assert "1 learner answer refers to this question" in page

    edit = author_client.get(reverse("question_single_choice:edit", args=[question.pk]))
    page = edit.content.decode()
    assert "Used in 1 quiz" in page and quiz.title in page

    index = author_client.get(reverse("questions:index")).content.decode()
    assert "1 quiz" in index


def test_used_in_lists_random_draw_quizzes_that_may_pick_it(author_client, site):
    question = SingleChoiceQuestionFactory(tags=["ethics"])
    QuizPageFactory(title="Ethics draw", selection="random", draw_tag="ethics")
    QuizPageFactory(title="Other draw", selection="random", draw_tag="self-care")
    page = author_client.get(
        reverse("question_single_choice:usage", args=[question.pk])
    ).content.decode()
    assert "Ethics draw" in page and "Other draw" not in page


def test_deleting_a_used_question_explains_why_not(author_client, used_question):
    question, quiz = used_question
    url = reverse("question_single_choice:delete", args=[question.pk])
    confirm = author_client.get(url)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "cannot be deleted" in page and quiz.title in page
    assert "Yes, delete" not in page

    response = author_client.post(url, follow=True)
    assert response.status_code == 200
    assert (
        "cannot be deleted: it is listed on 1 quiz and learners have answered it in 1 attempt"
        in (response.content.decode())
    )
    assert Question.objects.filter(pk=question.pk).exists()


def test_deleting_a_question_answered_but_no_longer_listed_is_refused_too(
    author_client, used_question
):
    question, quiz = used_question
    quiz.quiz_questions.all().delete()
    response = author_client.post(
        reverse("question_single_choice:delete", args=[question.pk]), follow=True
    )
    assert "learners have answered it in 1 attempt" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_unused_question_can_be_deleted(author_client):
    question = TrueFalseQuestionFactory()
    response = author_client.post(reverse("question_true_false:delete", args=[question.pk]))
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_quiz_editor_offers_the_question_chooser(client, superuser, used_question):
    question, quiz = used_question
    client.force_login(superuser)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk])).content.decode()
    assert reverse("question_chooser:choose") in page
    assert "Choose another question" in page


def test_chooser_searches_filters_and_labels_drafts(author_client):
    SingleChoiceQuestionFactory(title="Plan ownership")
    TrueFalseQuestionFactory(title="Confidentiality limits", status=Question.Status.DRAFT)
    url = reverse("question_chooser:choose")

    listing = json.loads(author_client.get(url).content)["html"]
    assert "Plan ownership" in listing and "Confidentiality limits" in listing
    assert "Draft" in listing

    results_url = reverse("question_chooser:choose_results")
    found = author_client.get(results_url, {"q": "confidential"}).content.decode()
    assert "Confidentiality limits" in found and "Plan ownership" not in found
    typed = author_client.get(results_url, {"type": "single_choice"}).content.decode()
    assert "Plan ownership" in typed and "Confidentiality limits" not in typed

    draft = TrueFalseQuestion.objects.get()
    chosen = json.loads(
        author_client.get(reverse("question_chooser:chosen", args=[draft.pk])).content
    )
    assert chosen["result"]["title"] == "Confidentiality limits (True or false) [draft]"
    assert chosen["result"]["edit_url"] == reverse("question_true_false:edit", args=[draft.pk])


def test_trainer_manages_accommodations_but_cannot_delete_them(client, trainer, organisation, site):
    """For a learner of a cohort of the trainer's organisation, on a quiz of its course (an
    accommodation for anyone else is refused: tests/courses/test_organisation_scoping.py)."""
    quiz = QuizPageFactory()
    learner = UserFactory()
    MembershipFactory(user=learner, organisation=organisation, role="trainee")
    cohort = CohortFactory(
        course=CoursePage.objects.ancestor_of(quiz).get(),
        trainer=trainer,
        organisation=organisation,
    )
    cohort.learners.add(learner)
    client.force_login(trainer)
    response = client.post(
        reverse("accommodations:add"),
        {"quiz": quiz.pk, "user": learner.pk, "extra_minutes": "30", "extra_attempts": "1"},
    )
    assert response.status_code == 302
    accommodation = Accommodation.objects.get(quiz=quiz, user=learner)
    assert accommodation.extra_minutes == 30
    assert client.get(reverse("accommodations:index")).status_code == 200
    delete = client.get(reverse("accommodations:delete", args=[accommodation.pk]))
    assert delete.status_code in (302, 403)
    assert Accommodation.objects.filter(pk=accommodation.pk).exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "questions:index",
        "questions:add",
        "question_single_choice:index",
        "question_single_choice:add",
        "question_chooser:choose",
        "accommodations:index",
    ],
)
def test_trainee_gets_no_access(client, trainee, url_name):
    client.force_login(trainee)
    response = client.get(reverse(url_name))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/" not in response["Location"].split("?")[0]


def test_staff_without_question_permissions_cannot_open_the_bank(client, registrar):
    client.force_login(registrar)
    for url in (reverse("questions:add"), add_url(SingleChoiceQuestion)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert not SingleChoiceQuestion.objects.exists()


def test_a_submission_missing_the_form_machinery_is_refused_with_messages(author_client):
    """A POST without a StreamField's "-count" or the formsets' management data (a script, a
    truncated request) re-shows the form with its errors; it was a KeyError inside Wagtail."""
    from courses.models.questions import QUESTION_TYPES

    for model in QUESTION_TYPES.values():
        before = model.objects.count()
        response = author_client.post(add_url(model), {"title": "Kept title"})
        assert response.status_code == 200, model.__name__
        assert "Kept title" in response.content.decode(), model.__name__
        assert model.objects.count() == before
