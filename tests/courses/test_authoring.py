"""Authoring in the Wagtail admin: the page tree rules, and what trainers may and may not do,
checked with the real Trainers group."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.models import HomePage, StandardPage
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage, QuizPage
from lms.accounts.services import sync_role_groups

pytestmark = pytest.mark.django_db


def test_page_tree_is_enforced():
    assert CourseIndexPage.allowed_parent_page_models() == [HomePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []
    assert set(CoursePage.allowed_subpage_models()) == {ModulePage, QuizPage}  # a final quiz
    assert set(QuizPage.allowed_parent_page_models()) == {CoursePage, ModulePage}
    assert LessonPage not in CourseIndexPage.allowed_subpage_models()


@pytest.fixture
def trainer_with_pages(trainer, course):
    sync_role_groups()  # grants page permissions now that the catalogue exists
    return trainer


def test_trainer_creates_a_module_draft_and_edits_a_course(client, trainer_with_pages, course):
    client.force_login(trainer_with_pages)
    add_url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    response = client.post(
        add_url,
        nested_form_data(
            {
                "title": "New module",
                "slug": "new-module",
                "summary": "Drafting",
                "alignments": inline_formset([]),  # the "Aligned to" panel, left empty
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    module = ModulePage.objects.get(slug="new-module")
    assert not module.live  # saved as a draft, not published
    assert client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code == 200
    assert client.get(
        reverse("wagtailadmin_pages:preview_on_edit", args=[course.pk])
    ).status_code in (200, 405)


def test_trainer_cannot_touch_site_settings_users_or_other_pages(client, trainer_with_pages, site):
    client.force_login(trainer_with_pages)
    assert client.get("/admin/settings/cms/supportsettings/").status_code in (302, 403)
    assert client.get("/admin/settings/cms/brandingsettings/").status_code in (302, 403)
    assert client.get(reverse("wagtailusers_users:index")).status_code in (302, 403)
    assert client.get(reverse("wagtailusers_users:add")).status_code in (302, 403)
    about = StandardPage.objects.get(slug="about")
    assert client.get(reverse("wagtailadmin_pages:edit", args=[about.pk])).status_code in (302, 403)
    assert not about.permissions_for_user(trainer_with_pages).can_edit()


def test_lesson_body_validation_rejects_two_content_notes_in_a_row(course):
    from django.core.exceptions import ValidationError

    from courses.blocks import LessonStreamBlock

    block = LessonStreamBlock()
    value = block.to_python(
        [
            {"type": "content_note", "value": {"topics": ["loss"], "text": "One"}},
            {"type": "content_note", "value": {"topics": ["loss"], "text": "Two"}},
        ]
    )
    with pytest.raises(ValidationError):
        block.clean(value)


def test_lesson_preview_works_for_trainers(client, trainer_with_pages, lessons):
    client.force_login(trainer_with_pages)
    lesson = lessons[0]
    url = reverse("wagtailadmin_pages:view_draft", args=[lesson.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Peer work starts with listening" in response.content.decode()
