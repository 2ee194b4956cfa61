"""Ids no column can hold are refused as "not found", never a server error.

Every URL pattern of the project (ours and Wagtail's, derived from the URL configuration)
with an integer keyword is requested with ids past every column's range, by GET and POST,
as every role of the access matrix's world; and Wagtail's admin forms and listing filters of
the cohort and accommodation models are sent the same ids in their query strings and POST
bodies. None may answer 500."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security import matrix

# The access matrix's world and its signed-in clients, one per role.
from tests.security.test_access_matrix import request
from tests.security.test_access_matrix import world as matrix_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

HUGE = (2**63, 2**64 + 7, 10**40)
INT_CONVERTERS = {"int", "id", "regex"}
PATTERNS = [
    p
    for p in matrix.all_patterns()
    if p.name is not None and any(converter in INT_CONVERTERS for _k, converter in p.kwargs)
]
MODELS = matrix.viewset_models()


def huge_urls(pattern, world):
    """The pattern's URL with each integer keyword in turn (and all at once) past range."""
    kwargs = matrix.fill(pattern, world, MODELS)
    ints = [k for k, converter in pattern.kwargs if converter in INT_CONVERTERS]
    variants = [{k: HUGE[0]} for k in ints] + [dict.fromkeys(ints, HUGE[-1])]
    for huge in variants:
        yield reverse(pattern.name, kwargs={**kwargs, **huge})


def test_the_probe_covers_our_pages_and_wagtails():
    keys = {p.key for p in PATTERNS}
    for key in ("learn:enrol", "learn:start_attempt", "teach:quiz_statistics", "cohorts:edit"):
        assert key in keys
    assert len(PATTERNS) > 100


@pytest.mark.parametrize("key", [p.key for p in PATTERNS])
def test_ids_past_every_column_are_not_found_not_a_server_error(matrix_world, db, key):  # noqa: F811
    world = matrix_world
    pattern = next(p for p in PATTERNS if p.key == key)
    failures = []
    for url in huge_urls(pattern, world):
        for role in matrix.ROLES:
            for method in ("get", "post"):
                savepoint = transaction.savepoint()
                response = request(world, role, method, url)
                transaction.savepoint_rollback(savepoint)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


ADMIN_FORMS = {
    "cohorts": ("course", "trainer", "organisation", "learners"),
    "accommodations": ("quiz", "user"),
}
ADMIN_FILTERS = {"cohorts": ("course", "trainer"), "accommodations": ("quiz",)}


@pytest.mark.parametrize("namespace", sorted(ADMIN_FORMS))
@pytest.mark.parametrize("role", ["trainer", "registrar", "super"])
def test_admin_cohort_and_accommodation_forms_and_filters_refuse_huge_ids(
    matrix_world,  # noqa: F811 (the fixture imported above)
    db,
    namespace,
    role,
):
    """Wagtail's own listing filters, add and edit forms of the cohort and accommodation
    models take ids in the query string and the POST body: a huge one is a form error or an
    empty result, never a 500."""
    world = matrix_world
    model = MODELS[namespace]
    obj = world.objects[model]
    failures = []
    for huge in HUGE:
        for name in ADMIN_FILTERS[namespace]:
            for url_name in ("index", "index_results"):
                url = reverse(f"{namespace}:{url_name}") + f"?{name}={huge}"
                response = request(world, role, "get", url)
                if response.status_code >= 500:
                    failures.append(f"GET {url}: {response.status_code}")
        for url in (reverse(f"{namespace}:add"), reverse(f"{namespace}:edit", args=[obj.pk])):
            for name in ADMIN_FORMS[namespace]:
                data = {
                    "name": "Huge ids",
                    "start_date": "2026-01-01",
                    "end_date": "2026-03-01",
                    "extra_minutes": "10",
                    "extra_attempts": "0",
                    name: str(huge),
                }
                savepoint = transaction.savepoint()
                response = request(world, role, "post", url, data=data)
                transaction.savepoint_rollback(savepoint)
                if response.status_code >= 500:
                    failures.append(f"POST {url} {name}={huge}: {response.status_code}")
                elif response.status_code == 200 and role != "trainer":
                    # The form came back (not saved) with a message at the field.
                    assert response.context["form"].errors.get(name), (url, name)
    assert not failures, "\n".join(failures)


def test_our_routes_take_ids_through_the_id_converter():
    """A number in a URL we write goes through `<id:...>` (lms/converters.py), which refuses
    what no column holds, not Django's bare `<int:...>`. (Wagtail's generated admin URLs keep
    `int`; the lookups in lms/lookups.py and the probe above cover them.)"""
    ours = [
        p
        for p in matrix.all_patterns()
        if p.module.startswith(matrix.OUR_MODULES) and p.namespace.split(":")[0] not in MODELS
    ]
    assert len(ours) > 30
    bare = [p.route for p in ours if any(converter == "int" for _k, converter in p.kwargs)]
    assert not bare, bare
    assert any(converter == "id" for p in ours for _k, converter in p.kwargs)


def test_lookups_find_no_row_for_ids_past_the_column(db, trainee):
    """The lookups behind those forms: a page looked up by its one-to-one key, a relation
    and an integer `in` with an id past the column find nothing (and keep the ids that fit),
    on SQLite and PostgreSQL alike; the URL converter refuses the same ids."""
    from django.contrib.auth import get_user_model
    from django.urls import resolve

    from courses.models import Cohort, CoursePage
    from lms.converters import MAX_COLUMN_ID

    User = get_user_model()
    for huge in (2**31, *HUGE):
        assert not CoursePage.objects.filter(pk=huge).exists()
        assert not Cohort.objects.filter(course=huge).exists()
        assert not Cohort.objects.filter(learners__in=[huge]).exists()
        assert list(User.objects.filter(pk__in=[huge, trainee.pk])) == [trainee]
    assert resolve(f"/learn/courses/{MAX_COLUMN_ID}/enrol/").kwargs == {"course_id": MAX_COLUMN_ID}
    # Not the enrol view: the URL falls through to Wagtail's page serving, which finds no page.
    assert resolve(f"/learn/courses/{MAX_COLUMN_ID + 1}/enrol/").view_name == "wagtail_serve"
