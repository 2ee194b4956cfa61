"""Navigation links every page shows. Cached, and cleared when pages are published."""

from django.core.cache import cache

CATALOGUE_URL_KEY = "courses:catalogue-url"


def navigation(request):
    url = cache.get(CATALOGUE_URL_KEY)
    if url is None:
        from .models import CourseIndexPage

        index = CourseIndexPage.objects.live().first()
        url = index.url if index else ""
        cache.set(CATALOGUE_URL_KEY, url, 60 * 60)
    return {"catalogue_url": url}
