"""Whole-response cache for the pages anonymous visitors read: the home page, standard pages,
the course catalogue and course landing pages, the framework pages and the support page.

A visitor with no session cookie gets a page that is the same for every such visitor, so the
first one's response is kept and every later one is served from the cache before the session,
authentication, CSRF or messages middleware run: no query at all. What is never cached:

- a request with a session or messages cookie (it may be signed in, or have a message to see),
  a query string, or any method but GET;
- a response that sets a cookie, used a CSRF token, is not a 200, says `private`/`no-store`,
  or comes from a view or page type not listed below (a lesson, a dashboard, the admin).

The CSP middleware gives every response a fresh nonce, and inline elements carry it. The
stored body has this request's nonce replaced by a placeholder, and each hit puts that
response's own nonce back, so the body always matches the Content-Security-Policy header.

Invalidation is by generation: every key carries the current generation, and any change to
what these pages show (a page saved, published, unpublished, moved or deleted; a framework,
alignment or site setting saved or deleted) starts a new one, at once and again on commit, so
a reader that rendered from the old rows before the commit cannot leave a stale page for
longer than the short time-to-live."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from lms import cache as versioned

GENERATION = "anonpage"  # the name of its version (lms.cache.version)
# Stands in for the CSP nonce in a stored body; long and odd enough never to occur in a page.
NONCE_PLACEHOLDER = b"__peerpath-csp-nonce-7f3a9c__"
# Headers a stored response keeps (the outer middleware adds security headers and CSP again).
KEPT_HEADERS = {"content-type", "content-language", "vary", "x-frame-options"}
# Paths never looked up: they are never cached, and this spares them two cache round trips.
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/accounts/",
    "/verify/",
    "/healthz/",
    "/learn/",
    "/teach/",
    "/practicum/",
    "/privacy/",
    "/organisations/",
    "/certificates/",
    "/credentials/",
    "/renewal/",
    "/sharing/",
)
# Django views (by "namespace:name") whose anonymous responses are cached.
CACHED_VIEWS = {"support", "frameworks:list", "frameworks:framework", "frameworks:node"}


def _seconds() -> int:
    return int(getattr(settings, "PEERPATH_ANONYMOUS_CACHE_SECONDS", 300))


def generation() -> str:
    """The current generation; a new one makes every stored page unreachable."""
    return versioned.version(GENERATION)


def invalidate() -> None:
    """Forget every cached anonymous page now and again when the transaction commits."""
    versioned.bump(GENERATION)


def mark_cacheable(request) -> None:
    """Say that this request's response is the same for every anonymous visitor."""
    request.anonymous_page_cacheable = True


def is_anonymous(request) -> bool:
    """No session and no pending message: the visitor sees what every anonymous one sees.
    (A signed-in visitor always has a session cookie.)"""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _may_look_up(request) -> bool:
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and is_anonymous(request)
        and not request.path.startswith(SKIPPED_PREFIXES)
        and _seconds() > 0
    )


def _cacheable_view(request) -> bool:
    if getattr(request, "anonymous_page_cacheable", False):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in CACHED_VIEWS


def _may_store(request, response) -> bool:
    user = getattr(request, "user", None)
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "is_preview", False)
        and "private" not in control
        and "no-store" not in control
        and (user is None or not user.is_authenticated)
        and _cacheable_view(request)
    )


def _key(request, gen: str) -> str:
    return f"anonpage:v1:{gen}:{request.get_host()}:{request.path}"


def _freeze(request, response) -> dict:
    body = response.content
    nonce = getattr(request, "csp_nonce", "")
    if nonce:
        body = body.replace(nonce.encode(), NONCE_PLACEHOLDER)
    headers = [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS]
    return {"body": body, "headers": headers}


def _thaw(request, entry: dict) -> HttpResponse:
    body = entry["body"]
    nonce = getattr(request, "csp_nonce", "")
    body = body.replace(NONCE_PLACEHOLDER, nonce.encode())
    response = HttpResponse(body)
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(body))
    response["X-Peerpath-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serves and stores the cached anonymous pages (see the module docstring). Sits after
    the CSP middleware (it needs the nonce) and before the session middleware (a hit skips
    it and everything after it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_look_up(request):
            return self.get_response(request)
        gen = generation()
        key = _key(request, gen)
        entry = cache.get(key)
        if entry is not None:
            return _thaw(request, entry)
        response = self.get_response(request)
        if _may_store(request, response):
            cache.set(key, _freeze(request, response), _seconds())
            response["X-Peerpath-Cache"] = "miss"
        return response


# --- Invalidation ---------------------------------------------------------------------------


def _watched_models():
    """Pages of every type, and the models the cached pages show besides pages."""
    from django.apps import apps
    from wagtail.models import Page

    labels = set(getattr(settings, "PEERPATH_ANONYMOUS_CACHE_MODELS", ()))
    return {
        model
        for model in apps.get_models()
        if issubclass(model, Page) or model._meta.label_lower in labels
    }


def on_model_changed(sender, **kwargs):
    invalidate()


def on_page_event(sender, **kwargs):
    invalidate()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for model in _watched_models():
        uid = f"cms.page_cache.{model._meta.label_lower}"
        post_save.connect(on_model_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(on_model_changed, sender=model, dispatch_uid=f"{uid}.delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None:
                m2m_changed.connect(
                    on_model_changed, sender=through, dispatch_uid=f"{uid}.m2m.{field.name}"
                )
    page_published.connect(on_page_event, dispatch_uid="cms.page_cache.published")
    page_unpublished.connect(on_page_event, dispatch_uid="cms.page_cache.unpublished")
    post_page_move.connect(on_page_event, dispatch_uid="cms.page_cache.moved")


def on_before_serve_page(page, request, serve_args, serve_kwargs):
    """Wagtail hook: mark a page of a listed type as cacheable. No query: a page with view
    restrictions answers an anonymous visitor with a redirect or a password form (with a
    CSRF token), neither of which is ever stored."""
    labels = getattr(settings, "PEERPATH_ANONYMOUS_CACHE_PAGE_TYPES", ())
    if page._meta.label_lower in labels:
        mark_cacheable(request)
