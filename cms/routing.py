"""Finding the site, the page and its view restrictions for a request without walking the tree.

Wagtail finds a page level by level (two queries a level), asks for the site of the host name
on every request, reads the view restrictions of the page and its ancestors (two queries) and
the site settings (a query each). None of that changes between publishes, so it is kept in
each process under the "pages" version (lms.cache), which any change to a page, a site, a view
restriction or a site setting bumps, at once in every process:

- the site of a host name and port, with its root page (`SiteMiddleware`);
- for each URL path under the home page, the live page's id and type, the view
  restrictions that apply to it, and the page itself (pickled; each request gets its own
  copy), so routing and serving a page ask the database nothing about it (`route`);
- each site's settings (`kept_site_setting`);
- the sites' root paths every page URL starts from (Wagtail's `Site.get_site_root_paths`).

A path that is not a live page falls back to Wagtail's own routing (which answers 404)."""

from __future__ import annotations

import pickle

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import DisallowedHost
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from lms import cache as versioned

PAGES_VERSION = "pages"


def pages_changed(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver: a page, site, view restriction or site setting changed. A settings
    row being created is not a change: it is made, with its defaults, the first time any
    process reads the settings (`for_site` gets or creates it), so nothing kept before it
    can differ from it."""
    from wagtail.contrib.settings.models import BaseSiteSetting

    if kwargs.get("created") and isinstance(instance, BaseSiteSetting):
        return
    versioned.bump(PAGES_VERSION)


def _site_for(hostname: str, port: int) -> bytes | None:
    from wagtail.models.sites import get_site_for_hostname

    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    site.root_page = site.root_page.specific  # kept with the site: no query to route
    return pickle.dumps(site)


# Paths that never show a page or site settings: no cache round trip for them. The verify
# pages keep their header and footer in a cache of their own (certification.verification
# .cache.site_chrome), so a warm verification costs no query and no per-process value.
SITELESS_PREFIXES = ("/healthz/", "/static/", "/media/", "/verify/")


class SiteMiddleware:
    """Gives the request its Wagtail site from this process's memory (Wagtail reads
    `request._wagtail_site` before it asks the database)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http.request import split_domain_port

        if request.path.startswith(SITELESS_PREFIXES):
            return self.get_response(request)
        try:
            hostname = split_domain_port(request._get_raw_host())[0]
            port = request.get_port()
        except DisallowedHost:
            return self.get_response(request)
        frozen = versioned.kept(
            PAGES_VERSION, ("site", hostname, port), lambda: _site_for(hostname, port)
        )
        if frozen is not None:
            request._wagtail_site = pickle.loads(frozen)  # noqa: S301 - pickled by this process, from its own query
        # Every page URL of the response starts from the sites' root paths, which Wagtail
        # reads from the cache once a request (a round trip) and keeps on the request.
        request._wagtail_cached_site_root_paths = versioned.kept(
            PAGES_VERSION, "site-root-paths", Site.get_site_root_paths
        )
        return self.get_response(request)


def known_site(request):
    """The request's Wagtail site if SiteMiddleware has given it one, else None (no query:
    paths it skips, an unknown host, no request)."""
    return getattr(request, "_wagtail_site", None) if request is not None else None


def _target(url_path: str):
    """(content type id, page id, view restrictions) of the live page at `url_path`, or None."""
    row = (
        Page.objects.live()
        .filter(url_path=url_path)
        .values_list("pk", "content_type_id", "path", "alias_of_id")
        .first()
    )
    if row is None:
        return None
    pk, content_type_id, path, alias_of_id = row
    page = Page(pk=pk, path=path, depth=len(path) // Page.steplen, alias_of_id=alias_of_id)
    restrictions = list(Page.get_view_restrictions(page))
    return content_type_id, pk, pickle.dumps(restrictions)


def kept_pages(model, ids) -> dict:
    """{id: page} of the pages of `model` (Page or a subclass) with these ids, kept in this
    process while no page changes ("pages" version): one query for those not kept, none
    otherwise. Each call gets its own copies (views may set attributes on a page), with the
    body left raw until it is read. Missing ids are left out."""
    label = model._meta.label_lower

    def pickled(keys):
        found = model.objects.in_bulk([key[2] for key in keys])
        return {key: pickle.dumps(found[key[2]]) if key[2] in found else None for key in keys}

    frozen = versioned.kept_many(PAGES_VERSION, [("page", label, pk) for pk in ids], pickled)
    return {key[2]: pickle.loads(value) for key, value in frozen.items() if value is not None}  # noqa: S301 - pickled by this process, from its own query


def kept_page_at(model, path: str):
    """The page of `model` at this tree path, or None, as `kept_pages` keeps it."""
    label = model._meta.label_lower
    pk = versioned.kept(
        PAGES_VERSION,
        ("page-at", label, path),
        lambda: model.objects.filter(path=path).values_list("pk", flat=True).first(),
    )
    return None if pk is None else kept_pages(model, [pk]).get(pk)


def route(root, request, path_components):
    """The live page under `root` at this path in one query (its primary key), or None when
    the path is not a live page (the caller then routes as Wagtail does)."""
    url_path = root.url_path + "/".join(path_components) + "/"
    found = versioned.kept(PAGES_VERSION, ("route", url_path), lambda: _target(url_path))
    if found is None:
        return None
    content_type_id, pk, restrictions = found
    # The path's live page id was found under the same version: any publish, unpublish or
    # move since would have bumped it, so the page kept by id is that live page.
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = kept_pages(model, [pk]).get(pk) if model is not None else None
    if page is None:
        return None
    # Wagtail's view-restriction hook asks the served page for its restrictions (two
    # queries); this instance answers with the ones kept for its path. The admin and every
    # other caller still get the queryset from the class's method.
    kept_restrictions = pickle.loads(restrictions)  # noqa: S301 - pickled by this process, from its own query
    page.get_view_restrictions = lambda: kept_restrictions
    return RouteResult(page)


def kept_site_setting(model, site):
    """`model.for_site(site)` from this process's memory; a copy, since Wagtail puts the
    request on the instance."""
    frozen = versioned.kept(
        PAGES_VERSION,
        ("setting", model._meta.label_lower, site.pk),
        lambda: pickle.dumps(model.base_queryset().get_or_create(site=site)[0]),
    )
    return pickle.loads(frozen)  # noqa: S301 - pickled by this process, from its own query


def connect() -> None:
    """Bump the pages version on every change routing, restrictions or settings depend on."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.signals import page_published, page_unpublished, post_page_move

    versioned.read_together(PAGES_VERSION)
    watched = [Site, PageViewRestriction]
    watched += [
        model
        for model in apps.get_models()
        if issubclass(model, (Page, BaseSiteSetting))
        or model._meta.label_lower == "cms.supportcontact"
    ]
    for model in watched:
        uid = f"cms.routing.{model._meta.label_lower}"
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"{uid}.delete")
    page_published.connect(pages_changed, dispatch_uid="cms.routing.published")
    page_unpublished.connect(pages_changed, dispatch_uid="cms.routing.unpublished")
    post_page_move.connect(pages_changed, dispatch_uid="cms.routing.moved")
