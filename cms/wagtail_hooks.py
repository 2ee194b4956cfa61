"""Wagtail hooks of the site app: registration only (the logic lives in page_cache)."""

from wagtail import hooks

from .page_cache import on_before_serve_page

hooks.register("before_serve_page", on_before_serve_page)
