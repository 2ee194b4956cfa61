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
