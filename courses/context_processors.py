"""Navigation links every page shows. Kept in each process while no page changes
(cms.routing's "pages" version, which every save, publish, move or delete bumps)."""

from cms.routing import PAGES_VERSION
from lms import cache as versioned


def _catalogue_url() -> str:
    from .models import CourseIndexPage

    index = CourseIndexPage.objects.live().first()
    return index.url if index else ""


def navigation(request):
    return {"catalogue_url": versioned.kept(PAGES_VERSION, "catalogue-url", _catalogue_url)}
