"""Pages that show a person's sensitive text (reflections, practicum descriptions and
supervision notes, sign-off accounts, written answers and marking, the lived-experience
statement, wellbeing check-ins, a data export) or other people's email addresses (cohort
progress and its CSV, rosters) are never stored by a browser or a proxy.

On shared computers in recovery services, a page kept in the browser's cache comes back with
the back button after the person has signed out. `Cache-Control: private, no-store` (with
Django's no-cache, must-revalidate and max-age=0, which older browsers need) stops that.

One place decides: lms/urls.py wraps each section of such pages with `private_section`, so
every view in it (and every view added to it later) answers that way; a page type served
by Wagtail that shows such text (a lesson with the learner's reflection) passes its response
through `never_store`. Wagtail's admin is already `never_cache` for every view."""

from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from wagtail.utils.urlpatterns import decorate_urlpatterns


def never_store(response):
    """The response, marked never to be stored (private, no-store)."""
    add_never_cache_headers(response)
    return response


def private_section(patterns):
    """An include()-able (patterns, app_name) whose every view answers `never_store`."""
    urlpatterns, app_name = patterns
    return decorate_urlpatterns(list(urlpatterns), never_cache), app_name
