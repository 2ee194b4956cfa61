"""Site-wide pages that are not Wagtail pages: support resources and error pages."""

import sys
from functools import wraps
from itertools import groupby

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from lms.database_errors import database_unavailable_response, is_database_unavailable

from .models import SupportSettings


def healthz(request):
    """Liveness check for load balancers; also the bare-Django baseline for benchmarks.
    Touches no database, session or template."""
    return HttpResponse("ok", content_type="text/plain")


def support(request):
    """Crisis and support contacts, grouped by region. Public, and linked from every page."""
    support_settings = SupportSettings.for_request(request)
    contacts = support_settings.contacts.order_by("region", "sort_order")
    regions = [(region, list(items)) for region, items in groupby(contacts, key=lambda c: c.region)]
    return render(request, "cms/support.html", {"support": support_settings, "regions": regions})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page with the site navigation; if that itself fails, fall back to a
    page that needs nothing from the database. A lost database connection (raised outside a
    view, where the middleware does not see it) gets the 503 "try again" page instead."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must never raise
        return HttpResponseServerError(loader.get_template("500_minimal.html").render())


def debug_only(view):
    """The view when DEBUG is on; "not found" otherwise. For Wagtail's deliberate test error
    (/admin/failwhale/): in production it is a way for any staff member to fill the error
    log and alerting with 500s on demand."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
