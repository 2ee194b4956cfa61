"""Meta-tests: every page type has a factory that builds it."""

import pytest
from wagtail.models import get_page_models

import tests.factories as factories

pytestmark = pytest.mark.django_db

OUR_APPS = {"cms", "courses", "certification"}


def factory_models():
    found = {}
    for name in factories.__all__:
        obj = getattr(factories, name)
        meta = getattr(obj, "_meta", None)
        model = getattr(meta, "model", None)
        if model is not None:
            found[model] = obj
    return found


def test_every_page_type_has_a_factory(site):
    page_models = [m for m in get_page_models() if m._meta.app_label in OUR_APPS]
    assert page_models, "no page models found"
    known = factory_models()
    missing = [m.__name__ for m in page_models if m not in known]
    assert missing == []
    for model in page_models:
        if model.__name__ in {"HomePage"}:
            continue  # the demo site already has its one allowed home page
        page = known[model]()
        assert isinstance(page, model) and page.live


def test_every_question_type_has_a_factory_grades_and_renders(rf):
    """Adding a question type means a subclass, its form template and a factory: this test
    fails until all three exist and the type grades an empty and a real answer."""
    from django.template.loader import render_to_string

    from courses.models import QUESTION_TYPES, Grade
    from tests.factories import QUESTION_FACTORIES

    assert set(QUESTION_FACTORIES) == set(QUESTION_TYPES)
    for key, cls in QUESTION_TYPES.items():
        question = QUESTION_FACTORIES[key]()
        assert isinstance(question, cls)
        snapshot = question.snapshot()
        assert snapshot["type"] == key
        empty = question.grade(None)
        assert isinstance(empty, Grade) and empty.score == 0.0
        row = {
            "prefix": "q0",
            "number": 1,
            "position": 0,
            "type": key,
            "answer": None,
            "view": cls.public_view(snapshot, {}),
        }
        html = render_to_string(cls.learner_template(), {"row": row}, request=rf.get("/"))
        assert 'name="q0' in html, key  # the form has an answer field for this question
