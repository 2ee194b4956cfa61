"""The frame every page shares: the safety bar, the header and the footer.

Each part is rendered once per site, language and the few facts it shows (signed in or not,
which link is the current page, the person's role links), and kept in this process while no
page, site or setting changes (cms.routing's "pages" version, which settings share).

A part is rendered from exactly the values in its key and nothing else of the request, so a
kept part cannot carry one person's page to another: anything a template reads that is not
given to it is simply missing, never someone else's. The one value of each request, the
sign-out form's CSRF token, is put in afterwards where a placeholder was rendered.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.contrib.settings.context_processors import SettingProxy

from lms import cache as versioned

from ..routing import PAGES_VERSION, known_site

register = template.Library()

SAFETY_BAR = "includes/safety_bar.html"
HEADER = "includes/header.html"
FOOTER = "includes/footer.html"

_CSRF_PLACEHOLDER = "peerpath-chrome-csrf-placeholder"
_PLACEHOLDER_INPUT = CsrfTokenNode().render(template.Context({"csrf_token": _CSRF_PLACEHOLDER}))


def _signed_in(context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated)


def _part(context, template_name: str, facts: dict) -> str:
    """The part rendered from `settings` and `facts` only, kept per site and language.

    Kept only when the settings are the site's own (Wagtail's context processor) and the
    request's site is already known (cms.routing.SiteMiddleware): a view that passes its own
    settings, as the verification pages do, or a path routing skips gets the part rendered
    afresh, and finding a site costs no query here."""
    settings = context.get("settings")
    values = {"settings": settings, **facts}

    def render() -> str:
        return get_template(template_name).render(values)

    site = known_site(context.get("request"))
    if site is None or not isinstance(settings, SettingProxy):
        return render()
    key = (
        "chrome",
        template_name,
        site.pk,
        translation.get_language(),
        tuple(sorted(facts.items())),
    )
    return versioned.kept(PAGES_VERSION, key, render)


@register.simple_tag(takes_context=True)
def safety_bar(context):
    """Quick exit and the support link: the same for everyone on a site."""
    return mark_safe(_part(context, SAFETY_BAR, {}))  # noqa: S308 - our template, escaped there


@register.simple_tag(takes_context=True)
def site_footer(context):
    facts = {"signed_in": _signed_in(context)}
    return mark_safe(_part(context, FOOTER, facts))  # noqa: S308 - our template, escaped there


def header_facts(context) -> dict:
    """What the header shows of this request: whether someone is signed in, their role
    links (`role_tools`: label, address, current), and which of the others is current."""
    request = context.get("request")
    path = request.path if request is not None else ""
    match = getattr(request, "resolver_match", None)
    catalogue_url = context.get("catalogue_url") or ""
    signed_in = _signed_in(context)
    facts = {
        "signed_in": signed_in,
        "home_current": path == "/",
        "catalogue_url": catalogue_url,
        "catalogue_current": bool(catalogue_url) and path != "/" and path[:9] == catalogue_url[:9],
        "tools": (),
        "wellbeing_current": False,
        "profile_current": False,
    }
    if signed_in:
        facts["tools"] = tuple(
            (str(tool.label), tool.url, bool(current))
            for tool, current in context.get("role_tools") or ()
        )
        facts["wellbeing_current"] = match is not None and match.namespace == "wellbeing"
        facts["profile_current"] = match is not None and match.url_name == "profile"
    return facts


@register.simple_tag(takes_context=True)
def site_header(context):
    """The brand and the navigation; the sign-out form gets this request's CSRF token."""
    facts = header_facts(context)
    html = _part(context, HEADER, {**facts, "csrf_token": _CSRF_PLACEHOLDER})
    if facts["signed_in"]:
        html = html.replace(_PLACEHOLDER_INPUT, CsrfTokenNode().render(context))
    return mark_safe(html)  # noqa: S308 - our template, escaped there; Django's token input
