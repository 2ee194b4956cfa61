"""Lesson access, progress, completion (once), content notes and "continue where you left off"."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from courses import services
from courses.models import ContentNoteChoice, Enrolment, LessonProgress
from tests.factories import LessonPageFactory

pytestmark = pytest.mark.django_db


def test_lesson_needs_sign_in(client, lessons):
    response = client.get(lessons[0].url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_lesson_of_a_course_one_is_not_enrolled_in_explains_and_refuses(client, trainee, lessons):
    client.force_login(trainee)
    response = client.get(lessons[0].url)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Enrol on the course to read it" in body
    assert "Peer work starts with listening" not in body


def test_enrolled_learner_reads_a_lesson_and_it_is_remembered(client, enrolled, course, lessons):
    client.force_login(enrolled)
    response = client.get(lessons[1].url)
    assert response.status_code == 200
    assert "Peer work starts with listening" in response.content.decode()
    enrolment = Enrolment.objects.get(user=enrolled, course=course)
    assert enrolment.last_lesson_id == lessons[1].pk
    assert LessonProgress.objects.filter(
        user=enrolled, lesson=lessons[1], completed_at=None
    ).exists()


def test_content_note_hides_what_follows_until_the_learner_continues(client, enrolled, lessons):
    client.force_login(enrolled)
    lesson = lessons[0]
    note = next(b for b in lesson.body if b.block_type == "content_note")
    body = client.get(lesson.url).content.decode()
    assert "The next part mentions relapse" in body
    assert "Relapse can be part of recovery" not in body
    assert "Continue to this section" in body

    response = client.post(
        reverse("learn:content_note", args=[lesson.pk, note.id]), {"choice": "continue"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#block-{note.id}")
    body = client.get(lesson.url).content.decode()
    assert "Relapse can be part of recovery" in body
    assert ContentNoteChoice.objects.get(user=enrolled, block_id=note.id).choice == "continue"


def test_take_a_break_at_a_content_note_saves_the_place(client, enrolled, lessons):
    client.force_login(enrolled)
    lesson = lessons[0]
    note = next(b for b in lesson.body if b.block_type == "content_note")
    response = client.post(
        reverse("learn:content_note", args=[lesson.pk, note.id]), {"choice": "break"}, follow=True
    )
    body = response.content.decode()
    assert "Your place is saved" in body
    assert f'href="{lesson.url}#block-{note.id}"' in body
    assert "Samaritans" in body  # support contacts on the break page


def test_skip_for_now_moves_on_and_keeps_the_section_folded(client, enrolled, lessons):
    client.force_login(enrolled)
    lesson = lessons[0]
    note = next(b for b in lesson.body if b.block_type == "content_note")
    response = client.post(
        reverse("learn:content_note", args=[lesson.pk, note.id]), {"choice": "skip"}
    )
    assert response["Location"] == lessons[1].url
    body = client.get(lesson.url).content.decode()
    assert "You skipped this section for now" in body
    assert "Relapse can be part of recovery" not in body


def test_bad_content_note_choice_or_block_is_a_message_not_a_500(client, enrolled, lessons):
    client.force_login(enrolled)
    lesson = lessons[0]
    note = next(b for b in lesson.body if b.block_type == "content_note")
    bad_choice = client.post(
        reverse("learn:content_note", args=[lesson.pk, note.id]), {"choice": "explode"}, follow=True
    )
    assert "Choose continue, skip for now, or take a break" in bad_choice.content.decode()
    bad_block = client.post(
        reverse("learn:content_note", args=[lesson.pk, "not-a-block"]),
        {"choice": "continue"},
        follow=True,
    )
    assert "not part of this lesson" in bad_block.content.decode()
    assert not ContentNoteChoice.objects.exists()


def test_take_a_break_button_saves_position_and_offers_the_way_back(client, enrolled, lessons):
    client.force_login(enrolled)
    lesson = lessons[0]
    last = list(lesson.body)[-1]
    response = client.post(
        reverse("learn:take_break", args=[lesson.pk]), {"position": last.id}, follow=True
    )
    assert f'href="{lesson.url}#block-{last.id}"' in response.content.decode()
    assert LessonProgress.objects.get(user=enrolled, lesson=lesson).position == last.id


def test_completing_a_lesson_twice_records_it_once(client, enrolled, lessons):
    client.force_login(enrolled)
    url = reverse("learn:complete", args=[lessons[0].pk])
    first = client.post(url)
    assert first["Location"] == lessons[1].url
    progress = LessonProgress.objects.get(user=enrolled, lesson=lessons[0])
    completed_at = progress.completed_at
    second = client.post(url, follow=True)
    assert "You had already completed this lesson" in second.content.decode()
    assert LessonProgress.objects.filter(user=enrolled, lesson=lessons[0]).count() == 1
    progress.refresh_from_db()
    assert progress.completed_at == completed_at


def test_completing_every_lesson_completes_the_course_once(client, enrolled, course, lessons):
    client.force_login(enrolled)
    for lesson in lessons[:-1]:
        client.post(reverse("learn:complete", args=[lesson.pk]))
    enrolment = Enrolment.objects.get(user=enrolled, course=course)
    assert enrolment.completed_at is None
    response = client.post(reverse("learn:complete", args=[lessons[-1].pk]), follow=True)
    assert "You have completed Boundaries basics" in response.content.decode()
    enrolment.refresh_from_db()
    completed_at = enrolment.completed_at
    assert completed_at is not None
    client.post(reverse("learn:complete", args=[lessons[0].pk]))
    enrolment.refresh_from_db()
    assert enrolment.completed_at == completed_at


def test_completing_a_lesson_without_enrolment_is_refused(client, trainee, lessons):
    client.force_login(trainee)
    response = client.post(reverse("learn:complete", args=[lessons[0].pk]), follow=True)
    assert "Enrol in this course to read its lessons" in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_draft_lessons_are_invisible_to_learners(client, enrolled, course, lessons):
    module = lessons[0].get_parent()
    draft = LessonPageFactory(parent=module, title="Unfinished draft", live=False)
    client.force_login(enrolled)
    assert client.get(f"{module.url}{draft.slug}/").status_code == 404
    assert "Unfinished draft" not in client.get(course.url).content.decode()
    assert client.post(reverse("learn:complete", args=[draft.pk])).status_code == 404


def test_course_page_and_dashboard_offer_continue_where_you_left_off(client, enrolled, lessons):
    client.force_login(enrolled)
    client.post(reverse("learn:complete", args=[lessons[0].pk]))
    services.save_position(user=enrolled, lesson=lessons[1], position="abc")
    dashboard = client.get(reverse("learn:dashboard")).content.decode()
    assert "Continue where you left off" in dashboard
    assert f'href="{lessons[1].url}#block-abc"' in dashboard
    assert "1 of 6 done" in dashboard


def test_dashboard_empty_state_helps_a_first_time_user(client, trainee, catalogue):
    client.force_login(trainee)
    body = client.get(reverse("learn:dashboard")).content.decode()
    assert "You are not on a course yet" in body
    assert f'href="{catalogue.url}"' in body


def test_position_endpoint_refuses_learners_who_are_not_enrolled(client, trainee, lessons):
    client.force_login(trainee)
    response = client.post(reverse("learn:position", args=[lessons[0].pk]), {"position": "x"})
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_completion_records_the_course_once(trainee, catalogue):
    """Two requests completing the last two lessons at the same moment: one completion time,
    one progress row per lesson. Needs PostgreSQL (SQLite has no row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock concurrency runs on PostgreSQL (the CI's second pass).")
    from tests.factories import build_course

    course, lessons = build_course(title="Race course", modules=1, lessons_per_module=2)
    services.enrol_learner(user=trainee, course=course)
    barrier = threading.Barrier(4)
    errors, results = [], []

    def complete(lesson):
        try:
            barrier.wait()
            results.append(services.complete_lesson(user=trainee, lesson=lesson))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(lesson,)) for lesson in lessons * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.course_newly_completed for r in results) == 1
    assert sum(r.lesson_newly_completed for r in results) == 2
    assert LessonProgress.objects.filter(user=trainee).count() == 2
    enrolment = Enrolment.objects.get(user=trainee, course=course)
    assert enrolment.completed_at is not None
