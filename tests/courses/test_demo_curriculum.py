"""The demo curriculum meets the bar in CURRICULUM.md: four courses, 9+ lessons each,
10 to 25 minutes per lesson, and a content note before every hard topic."""

import re

import pytest

from courses.demo import COURSE_ORDER, load_course, stream_value
from courses.models import CoursePage, LessonPage

HARD_TOPICS = re.compile(r"suicid|self-harm|overdose|abuse|relapse|\bdeath|\bdied\b", re.I)


@pytest.mark.parametrize("slug", COURSE_ORDER)
def test_course_content_is_complete(slug):
    data = load_course(slug)
    lessons = [lesson for module in data["modules"] for lesson in module["lessons"]]
    assert 3 <= len(data["modules"]) <= 4
    assert len(lessons) >= 9
    for lesson in lessons:
        assert 10 <= lesson["minutes"] <= 25, lesson["slug"]
        stream_value(lesson["body"])  # every block maps to a lesson block
        text = " ".join(str(v) for block in lesson["body"] for v in block.values())
        assert "lorem" not in text.lower()
        first_hard = next(
            (
                i
                for i, b in enumerate(lesson["body"])
                if HARD_TOPICS.search(" ".join(map(str, b.values())))
                and b["type"] != "content_note"
            ),
            None,
        )
        if first_hard is not None:
            notes = [i for i, b in enumerate(lesson["body"]) if b["type"] == "content_note"]
            assert notes and notes[0] < first_hard, (
                f"{slug}/{lesson['slug']} needs a content note first"
            )


@pytest.mark.django_db
def test_seeded_courses_are_published_pages(site):
    from courses.demo import seed_courses
    from lms.accounts.demo import seed_people
    from lms.accounts.services import sync_role_groups

    sync_role_groups()
    seed_people()
    seed_courses()
    assert (
        list(CoursePage.objects.live().values_list("slug", flat=True).order_by("path"))
        == COURSE_ORDER
    )
    assert LessonPage.objects.live().count() >= 36
    ethics = CoursePage.objects.get(slug="ethics")
    assert [c.slug for c in CoursePage.objects.filter(required_by=ethics)] == ["boundaries"]
