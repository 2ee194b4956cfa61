"""The signed-in person's tools for the header (`landing.tools`), worked out only when a
template shows them, and once per request."""

from django.utils.functional import SimpleLazyObject

from .landing import is_current, kept_tools, landing_url


def role_tools(request):
    def build():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return [(tool, is_current(tool, request)) for tool in kept_tools(user)]

    def start():
        user = getattr(request, "user", None)
        return landing_url(user) if user is not None and user.is_authenticated else ""

    return {"role_tools": SimpleLazyObject(build), "landing_url": SimpleLazyObject(start)}
