"""The cohort progress report (page and CSV) runs the same number of SQL queries whatever the
size of the cohort: it must stay usable for cohorts of thousands (see bench/growth.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> tuple[int, bytes]:
    client.get(url)  # warm the caches a running server would have
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content


def _grow(cohort, lessons, learners: int) -> None:
    """Add learners to the cohort until it has `learners`, each with some lessons done."""
    while cohort.learners.count() < learners:
        n = cohort.learners.count()
        learner = UserFactory(legal_name=f"Learner {n:03d}")
        cohort.learners.add(learner)
        services.enrol_learner(user=learner, course=cohort.course, cohort=cohort)
        for lesson in lessons[: n % (len(lessons) + 1)]:
            services.complete_lesson(user=learner, lesson=lesson)


def test_cohort_report_queries_do_not_grow_with_the_cohort(client, trainer, course, lessons):
    cohort = CohortFactory(course=course, trainer=trainer, name="Growing cohort")
    client.force_login(trainer)
    page = reverse("teach:cohort", args=[cohort.pk])
    csv_url = reverse("teach:cohort_csv", args=[cohort.pk])
    counts = {}
    for size in (2, 12):
        _grow(cohort, lessons, size)
        page_queries, html = _count(client, page)
        csv_queries, body = _count(client, csv_url)
        counts[size] = (page_queries, csv_queries)
        # The report really covers every learner: one CSV row each, plus the header.
        assert len(body.decode().strip().splitlines()) == size + 1
        assert f"Learner {size - 1:03d}".encode() in html
    assert counts[2] == counts[12], counts
