"""Meta-tests: every page type has a factory that builds it."""

import pytest
from wagtail.models import get_page_models

import tests.factories as factories

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "cms",
    "courses",
    "certification",
    "standards",
    "practicum",
    "credentials",
    "organisations",
}


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


PER_TYPE_METHODS = ("answer_key", "random_answer", "form_fields", "redisplay_value")
OPTION_METHODS = ("snapshot_options", "chosen_option_ids")


def _defines(cls, name):
    """Whether `cls` has its own `name`, not Question's default (which may raise)."""
    from courses.models import Question

    return getattr(cls, name).__func__ is not getattr(Question, name).__func__


def _form(cls, answer):
    """The answer as the attempt page would send it, under the prefix q3."""
    from django.http import QueryDict

    form = QueryDict(mutable=True)
    for name, value in cls.form_fields(answer, "q3"):
        form.appendlist(name, value)
    return form


def test_every_question_type_answers_for_itself():
    """Behaviour that varies by question type lives on the type: each type gives its key and a
    random answer that it accepts, writes an answer back as the form fields it reads, shows a
    refused answer again, and (if it has options) names them and the ones an answer chose.
    A new type fails here until it implements them."""
    import random

    from courses.models import QUESTION_TYPES, Question
    from tests.factories import QUESTION_FACTORIES

    for key, cls in QUESTION_TYPES.items():
        for name in ("answer_key", "random_answer"):
            assert _defines(cls, name), (key, name)
        if cls.has_options:
            for name in OPTION_METHODS:
                assert _defines(cls, name), (key, name)
        snapshot = QUESTION_FACTORIES[key]().snapshot()
        order = cls.shuffle(snapshot, random.Random(7))
        answer = cls.answer_key(snapshot, order, written="A written answer.")
        form = _form(cls, answer)
        assert cls.validate_answer(snapshot, cls.payload_from_form(form, "q3")) == answer, key
        grade = cls.grade_snapshot(snapshot, answer, order)
        if cls.auto_graded:
            assert (grade.score, grade.correct) == (1.0, True), key
        else:
            assert grade.needs_marking, key
        assert cls.redisplay_value(form, "q3") not in (None, "", [], {}), key
        guess = cls.random_answer(snapshot, order, random.Random(3), written="Text.")
        read_back = cls.payload_from_form(_form(cls, guess), "q3")
        assert cls.validate_answer(snapshot, read_back) == guess, key
        chosen = cls.chosen_option_ids(answer)
        ids = [option_id for option_id, _text, _correct in cls.snapshot_options(snapshot)]
        assert bool(chosen) == bool(ids) == cls.has_options, key
        assert set(chosen) <= set(ids), key
    assert set(PER_TYPE_METHODS) <= set(vars(Question))


# Errors whose text is for operators (data files, the outbox's own guard), not for people.
NOT_FOR_PEOPLE = {
    "FrameworkDataError",
    "CertificateRenderError",
    "ValueError",
    "TypeError",
    "RuntimeError",
}


def test_messages_raised_by_services_go_through_gettext():
    """A service refusing with a bare string ("..." or f"...") would show English whatever
    the language: every message raised for a person is `_("...")` (with %-placeholders)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    bare = []
    for path in sorted(
        [*root.glob("certification/services/*.py"), *root.glob("courses/services/*.py")]
    ):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            args = node.exc.args
            if name in NOT_FOR_PEOPLE or not args:
                continue
            if isinstance(args[0], ast.JoinedStr) or (
                isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
            ):
                bare.append(f"{path.relative_to(root)}:{node.lineno}")
    assert bare == []
