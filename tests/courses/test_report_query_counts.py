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


def test_large_cohort_is_shown_a_page_of_learners_at_a_time(
    client, trainer, course, lessons, monkeypatch
):
    """The table shows one page of learners; the lesson totals and the CSV cover everyone;
    a page number that is not one shows a page rather than an error."""
    from courses import reports

    monkeypatch.setattr(reports, "LEARNERS_PER_PAGE", 5)
    cohort = CohortFactory(course=course, trainer=trainer, name="Big cohort")
    _grow(cohort, lessons, 12)
    client.force_login(trainer)
    url = reverse("teach:cohort", args=[cohort.pk])
    first = client.get(url).content.decode()
    assert "Learner 000" in first and "Learner 004" in first
    assert "Learner 005" not in first
    assert "12 learners" in first
    assert "Learners 1 to 5 of 12" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert "Learner 010" in last and "Learner 011" in last and "Learner 000" not in last
    # Learner n completed n % 7 of the six lessons, so lesson 1 was done by every learner
    # whose n % 7 is 1 to 6: ten of the twelve (all but 0 and 7), shown whole-cohort.
    report = reports.cohort_progress(cohort=cohort, page=1)
    assert [c.completed for c in report.columns][0] == 10
    assert all(c.learners == 12 for c in report.columns)
    for typed in ("abc", "-1", "999"):
        response = client.get(url, {"page": typed})
        assert response.status_code == 200
    csv_rows = client.get(reverse("teach:cohort_csv", args=[cohort.pk])).content.decode()
    assert len(csv_rows.strip().splitlines()) == 13
