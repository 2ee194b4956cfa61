"""Page factories. Wagtail pages live in a tree, so `_create` adds each page under a parent
(the site's home page unless one is given) and publishes it."""

import factory
from django.utils.text import slugify

from cms.demo import ensure_tree_root
from cms.models import HomePage, StandardPage


class WagtailPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, **kwargs):
        if parent is None:
            parent = cls.default_parent()
        page = model_class(*args, live=live, **kwargs)
        parent.add_child(instance=page)
        if live:
            page.save_revision().publish()
        else:
            page.save_revision()
        return page

    @classmethod
    def default_parent(cls):
        # A transactional test's flush empties the tree; ensure_tree_root puts the root back.
        return HomePage.objects.first() or ensure_tree_root()


class HomePageFactory(WagtailPageFactory):
    class Meta:
        model = HomePage

    title = "Home"
    hero_title = "Welcome"

    @classmethod
    def default_parent(cls):
        return ensure_tree_root()


class StandardPageFactory(WagtailPageFactory):
    class Meta:
        model = StandardPage

    introduction = "An ordinary page."
