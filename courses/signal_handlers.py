"""Cache invalidation only: no business rules here."""

from django.core.cache import cache
from wagtail.signals import page_published, page_unpublished

from .context_processors import CATALOGUE_URL_KEY


def clear_navigation_cache(sender, **kwargs):
    cache.delete(CATALOGUE_URL_KEY)


def register_signal_handlers():
    page_published.connect(clear_navigation_cache)
    page_unpublished.connect(clear_navigation_cache)
