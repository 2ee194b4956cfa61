"""Preview: every page type previews for the people who may edit it, in a new tab ("View
draft") and in the editor's live preview panel, which frames the preview from the admin. The
page types come from Wagtail's page models, so a new type is covered without editing this
file; framing stays refused everywhere but the admin's own preview."""

import pytest
from django.urls import reverse
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import get_page_models
from wagtail.test.utils.form_data import querydict_from_html

import tests.factories as factories
from cms.models import HomePage
from courses.models import CoursePage, LessonPage, ModulePage, QuizPage
from lms.accounts.services import sync_role_groups
from tests.factories import QuizPageFactory, WrittenResponseQuestionFactory

pytestmark = pytest.mark.django_db

PAGE_MODELS = [m for m in get_page_models() if m.is_creatable]


def policy(response) -> dict[str, str]:
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {d.split()[0]: " ".join(d.split()[1:]) for d in directives}


def factory_for(model):
    for name in factories.__all__:
        obj = getattr(factories, name)
        if getattr(getattr(obj, "_meta", None), "model", None) is model:
            return obj
    raise AssertionError(f"no factory for {model.__name__}")


@pytest.fixture
def pages(site):
    """A page of every creatable type (quizzes with a question), then trainers' page
    permissions, which are granted on pages that exist."""
    built = {}
    for model in PAGE_MODELS:
        if model is HomePage:
            built[model] = HomePage.objects.first()  # the site has its one home page
        elif model is QuizPage:
            built[model] = QuizPageFactory(questions=[WrittenResponseQuestionFactory()])
        else:
            built[model] = factory_for(model)()
    sync_role_groups()
    return built


def block_data(block, value, prefix, data):
    """Add `value` of `block` to `data` as Wagtail's StreamField editor posts it: the editor
    builds these fields in the browser, so the edit page's HTML does not carry them."""
    if isinstance(block, blocks.StreamBlock):
        data[f"{prefix}-count"] = str(len(value))
        for i, child in enumerate(value):
            data.update({f"{prefix}-{i}-type": child.block_type, f"{prefix}-{i}-id": child.id})
            data.update({f"{prefix}-{i}-deleted": "", f"{prefix}-{i}-order": str(i)})
            block_data(child.block, child.value, f"{prefix}-{i}-value", data)
    elif isinstance(block, blocks.ListBlock):
        data[f"{prefix}-count"] = str(len(value))
        for i, child in enumerate(value.bound_blocks):
            data.update({f"{prefix}-{i}-id": child.id or "", f"{prefix}-{i}-deleted": ""})
            data[f"{prefix}-{i}-order"] = str(i)
            block_data(block.child_block, child.value, f"{prefix}-{i}-value", data)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            block_data(child, value[name], f"{prefix}-{name}", data)
    else:
        form_value = block.value_for_form(value)
        if not isinstance(form_value, list):
            form_value = block.field.widget.format_value(form_value)
        data[prefix] = "" if form_value is None else form_value


def edit_form_data(client, page) -> dict:
    """What the edit form posts for `page`: its fields from the HTML, its StreamFields built."""
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form").dict()
    for field in type(page)._meta.get_fields():
        if isinstance(field, StreamField):
            block_data(field.stream_block, getattr(page, field.name), field.name, data)
    return data


def editor_of(page, trainer, superuser):
    """The trainer where trainers may edit the page (the whole course tree), else an admin."""
    return trainer if page.permissions_for_user(trainer).can_edit() else superuser


def test_trainers_edit_every_page_type_of_the_courses_app(pages, trainer):
    for model in (CoursePage, ModulePage, LessonPage, QuizPage):
        assert pages[model].permissions_for_user(trainer).can_edit(), model


@pytest.mark.parametrize("model", PAGE_MODELS, ids=lambda m: m._meta.label)
def test_view_draft_of_every_page_type_opens_in_a_new_tab(client, trainer, superuser, pages, model):
    page = pages[model]
    client.force_login(editor_of(page, trainer, superuser))
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200, response.content.decode()[:2000]
    assert page.title in response.content.decode()


@pytest.mark.parametrize("model", PAGE_MODELS, ids=lambda m: m._meta.label)
def test_live_preview_of_every_page_type_is_framed_by_the_admin_only(
    client, trainer, superuser, pages, model
):
    """What the editor's panel does: post the edit form, then load the preview in a frame."""
    page = pages[model]
    client.force_login(editor_of(page, trainer, superuser))
    data = edit_form_data(client, page)
    data["title"] = "Previewed title"
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(url, data=data).json() == {"is_valid": True, "is_available": True}
    response = client.get(url, {"in_preview_panel": "true"})
    assert response.status_code == 200
    assert "Previewed title" in response.content.decode()
    assert policy(response)["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_published_page_is_still_not_frameable(client, trainer, pages):
    """The exception is the preview only: the same lesson, served normally to the same
    editor, refuses every frame."""
    client.force_login(trainer)
    response = client.get(pages[LessonPage].url)
    assert policy(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_a_quiz_preview_shows_its_rules_and_questions_and_starts_nothing(client, trainer, pages):
    quiz = pages[QuizPage]
    question = quiz.quiz_questions.first().question
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[quiz.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"You pass with {quiz.pass_mark}% or more." in html
    assert question.stem.replace("<p>", "").replace("</p>", "")[:40] in html
    assert reverse("learn:start_attempt", args=[quiz.pk]) not in html
    assert quiz.get_parent().title in html  # the breadcrumb that used to fail


def test_preview_is_refused_to_a_learner(client, trainee, pages):
    client.force_login(trainee)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[pages[QuizPage].pk]))
    assert response.status_code in (302, 403)
