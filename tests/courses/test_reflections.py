"""Reflections are private: only their author reads, edits or deletes them."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Reflection
from tests.factories import CohortFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKER = "PRIVATE-MARKER-7f3a reflection about my own relapse"


def reflection_block(lesson):
    return next(b for b in lesson.body if b.block_type == "reflection")


@pytest.fixture
def written(enrolled, lessons):
    block = reflection_block(lessons[0])
    return services.save_reflection(
        user=enrolled, lesson=lessons[0], block_id=block.id, text=MARKER
    )


def test_learner_writes_reads_edits_and_deletes_their_reflection(client, enrolled, lessons):
    lesson = lessons[0]
    block = reflection_block(lesson)
    client.force_login(enrolled)
    url = reverse("learn:reflection", args=[lesson.pk, block.id])
    response = client.post(url, {"text": "First thoughts", "next": lesson.url})
    assert response.status_code == 302
    # The prompt sits after a content note: it shows once the learner continues past it.
    note = next(b for b in lesson.body if b.block_type == "content_note")
    client.post(reverse("learn:content_note", args=[lesson.pk, note.id]), {"choice": "continue"})
    assert "First thoughts" in client.get(lesson.url).content.decode()
    client.post(url, {"text": "Second thoughts"})
    assert Reflection.objects.get(user=enrolled).text == "Second thoughts"
    listing = client.get(reverse("learn:reflections")).content.decode()
    assert "Second thoughts" in listing
    reflection = Reflection.objects.get(user=enrolled)
    client.post(reverse("learn:delete_reflection", args=[reflection.pk]))
    assert not Reflection.objects.exists()


def test_an_overlong_reflection_is_refused_and_the_text_is_kept(client, enrolled, lessons):
    lesson = lessons[0]
    block = reflection_block(lesson)
    client.force_login(enrolled)
    text = "word " * 5000  # 25,000 characters
    response = client.post(reverse("learn:reflection", args=[lesson.pk, block.id]), {"text": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "the limit is 20,000" in body
    assert body.count("word word word") > 100  # the text is still in the form
    assert not Reflection.objects.exists()


def test_another_learner_cannot_read_edit_or_delete_it(client, written, lessons, course):
    other = UserFactory()
    EnrolmentFactory(user=other, course=course)
    client.force_login(other)
    assert MARKER not in client.get(lessons[0].url).content.decode()
    assert MARKER not in client.get(reverse("learn:reflections")).content.decode()
    response = client.post(reverse("learn:delete_reflection", args=[written.pk]))
    assert response.status_code == 404
    assert Reflection.objects.filter(pk=written.pk).exists()
    edit = client.get(reverse("learn:reflection", args=[lessons[0].pk, written.block_id]))
    assert MARKER not in edit.content.decode()


def test_trainers_and_superusers_never_see_reflections(
    client, written, enrolled, course, trainer, superuser
):
    """Every staff view a trainer or superuser would use: the cohort report and its CSV, the
    admin dashboard, page editing, users, cohorts, and search."""
    cohort = CohortFactory(course=course, trainer=trainer)
    cohort.learners.add(enrolled)
    lesson = written.lesson
    staff_urls = [
        reverse("teach:cohort", args=[cohort.pk]),
        reverse("teach:cohort_csv", args=[cohort.pk]),
        "/admin/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/{lesson.pk}/",
        f"/admin/users/edit/{enrolled.pk}/",
        "/admin/users/",
        "/admin/cohorts/",
        f"/admin/cohorts/edit/{cohort.pk}/",
        "/admin/pages/search/?q=relapse",
        "/admin/reports/site-history/",
        reverse("teach:marking"),
        "/admin/questions/",
    ]
    for user in (trainer, superuser):
        client.force_login(user)
        for url in staff_urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
            if user is superuser:
                # The superuser reaches every page, so the check below reads real content.
                assert response.status_code == 200, url
            assert MARKER.encode() not in response.content, url
    client.force_login(superuser)
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    assert client.get(reverse("teach:cohort", args=[cohort.pk])).status_code == 200


def test_reflection_has_no_admin_registration():
    """No Wagtail viewset or Django admin registration exists for reflections."""
    from django.contrib import admin
    from wagtail.admin.viewsets import viewsets

    assert Reflection not in admin.site._registry
    assert all(getattr(v, "model", None) is not Reflection for v in viewsets.viewsets)
    assert str(Reflection(pk=5, text=MARKER)) == "Reflection 5"


def test_reflection_for_a_prompt_not_in_the_lesson_is_404(client, enrolled, lessons):
    client.force_login(enrolled)
    response = client.post(reverse("learn:reflection", args=[lessons[0].pk, "nope"]), {"text": "x"})
    assert response.status_code == 404
    assert not Reflection.objects.exists()
