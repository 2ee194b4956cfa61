"""Cache invalidation only: no business rules here."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .context_processors import CATALOGUE_URL_KEY


def clear_navigation_cache(sender, **kwargs):
    cache.delete(CATALOGUE_URL_KEY)


def clear_course_trees(sender, instance=None, **kwargs):
    """Any change to a page may change a course's live tree: make every cached tree stale,
    now and again once the change commits (a request between the two could otherwise cache
    the tree as it was before the commit)."""
    from .outline import bump_tree_version

    if instance is not None and not isinstance(instance, Page):
        return
    bump_tree_version()
    transaction.on_commit(bump_tree_version)


def register_signal_handlers():
    page_published.connect(clear_navigation_cache)
    page_unpublished.connect(clear_navigation_cache)
    for signal in (page_published, page_unpublished, post_page_move, post_save, post_delete):
        signal.connect(clear_course_trees, dispatch_uid=f"courses-tree-{id(signal)}")
