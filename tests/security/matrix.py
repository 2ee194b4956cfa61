"""The machinery of the access matrix: walk every URL pattern of the project, fill its
keywords from the world, request it as a role, and name the outcome. The expectations
live in test_access_matrix.py; nothing here decides who may do what."""

import re
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Role ids as the table writes them, and the world's names for the people behind them.
ROLES = (
    "anon",
    "trainee",
    "trainee2",
    "trainer",
    "sup",
    "sup2",
    "orgadmin",
    "verifier",
    "registrar",
    "super",
)
PEOPLE = dict(
    zip(
        ROLES,
        (
            "anonymous",
            "trainee",
            "other_trainee",
            "trainer",
            "supervisor",
            "other_supervisor",
            "org_admin",
            "verifier",
            "registrar",
            "superuser",
        ),
        strict=True,
    )
)
GROUPS = {
    "all": ROLES,
    "signed": ROLES[1:],
    "staff": ("trainer", "registrar", "super"),
    "nonstaff": ("trainee", "trainee2", "sup", "sup2", "orgadmin", "verifier"),
    "trainees": ("trainee", "trainee2"),
    "sups": ("sup", "sup2"),
    "org": ("orgadmin", "verifier"),
}
# Outcomes: an HTTP status, or one of these names for redirects.
LOGIN = "login"  # to a sign-in page (the site's or the admin's)
HOME = "home"  # Wagtail's "you may not do that" redirect to the admin dashboard
TWO_FACTOR = "2fa"  # to two-factor setup
DENIALS = {LOGIN, HOME, 403, 404}
ANY = "any"  # any answer but a server error (Wagtail's generic admin only)
NOOP = "noop"  # a redirect after which no row has changed

OUR_APPS = {
    "accounts",
    "cms",
    "courses",
    "certification",
    "standards",
    "practicum",
    "credentials",
    "hours",
    "exams",
    "organisations",
    "boards",
    "recognition",
    "live",
}
OUR_MODULES = ("lms.", "cms.", "courses.", "certification.")


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name, or name plus route when a name is used twice, or the route
    name: str | None
    route: str
    kwargs: tuple[tuple[str, str], ...]  # (keyword, converter name)
    module: str
    namespace: str


def _converters(pattern) -> list[tuple[str, str]]:
    found = []
    route = str(pattern.pattern)
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        found.append((match.group(2), match.group(1) or "str"))
    for match in re.finditer(r"\(\?P<(\w+)>", route):
        found.append((match.group(1), "regex"))
    return found


def walk(resolver=None, prefix="", namespace="", kwargs=()):
    """Every URL pattern under `resolver`, with its full route and namespace."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = namespace
            if item.namespace:
                ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from walk(item, prefix + str(item.pattern), ns, kwargs + tuple(_converters(item)))
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            yield Pattern(
                key=name or prefix + str(item.pattern),
                name=name,
                route=prefix + str(item.pattern),
                kwargs=kwargs + tuple(_converters(item)),
                module=getattr(item.callback, "__module__", ""),
                namespace=namespace,
            )


def all_patterns() -> list[Pattern]:
    patterns = list(walk())
    seen: dict[str, int] = {}
    for p in patterns:
        seen[p.key] = seen.get(p.key, 0) + 1
    return [
        Pattern(**{**p.__dict__, "key": f"{p.key} {p.route}"}) if seen[p.key] > 1 else p
        for p in patterns
    ]


def viewset_models() -> dict[str, str]:
    """Admin URL namespace -> "app_label.model" for every viewset and snippet of a model."""
    from wagtail.admin.viewsets import viewsets

    found = {}
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is not None and getattr(viewset, "name", None):
            label = f"{model._meta.app_label}.{model._meta.model_name}"
            found[viewset.name] = label
            for name in ("url_namespace", "chooser_namespace"):
                extra = getattr(viewset, name, None)
                if isinstance(extra, str):
                    found[extra] = label
    # Snippets name their namespaces after the model.
    for model in apps.get_models():
        for prefix in ("wagtailsnippets", "wagtailsnippetchoosers"):
            name = f"{prefix}_{model._meta.app_label}_{model._meta.model_name}"
            found.setdefault(name, f"{model._meta.app_label}.{model._meta.model_name}")
    return found


def is_ours(pattern: Pattern, models: dict[str, str]) -> bool:
    """Our own views and the admin views of our own models need explicit rows."""
    if pattern.module.startswith(OUR_MODULES):
        return True
    root = pattern.namespace.split(":")[0]
    label = models.get(root)
    if label:
        return label.split(".")[0] in OUR_APPS
    # Named URLs under our own prefixes (Django's auth views in accounts:, say).
    return pattern.name is not None and not pattern.name.startswith("wagtail")


# Keywords whose meaning depends on the URL: (URL name, keyword) -> world keyword.
BY_URL = {
    ("credentials:attest", "code"): "credential_code",
    ("credentials:detail", "code"): "credential_code",
    ("frameworks:node", "code"): "competency_code",
    ("verify:certificate", "code"): "certificate_code",
    ("verify:certificate_json", "code"): "certificate_code",
    ("accounts:accept_invitation", "key"): "invitation_key",
    ("accounts:password_reset_confirm", "token"): "password_reset_token",
    ("learn:content_note", "block_id"): "note_block",
    ("learn:reflection", "block_id"): "reflection_block",
    ("learn:delete_reflection", "pk"): "reflection_pk",
    ("renewal:delete_record", "pk"): "ce_record_pk",
    ("renewal:evidence", "pk"): "ce_record_pk",
    ("renewal:resubmit", "pk"): "ce_record_pk",
    ("renewal:review_record", "pk"): "ce_record_pk",
    ("exams:correct", "pk"): "exam_result_pk",
    ("exams:evidence", "pk"): "exam_result_pk",
    ("letters:pdf", "pk"): "letter_pk",
    ("letters:withdraw", "pk"): "letter_pk",
    ("credentials:letter_issue", "code"): "credential_code",
    ("privacy:complete", "request_id"): "erasure_request_id",
    ("practicum:entry_correct", "entry_id"): "approved_entry_id",
    ("teach:cohort", "pk"): "cohort_pk",
    ("live:feed", "token"): "feed_token",
    ("teach:cohort_csv", "pk"): "cohort_pk",
    ("teach:contact_hours_page", "page_id"): "course_id",
    ("teach:contact_hours_decide", "pk"): "contact_hours_proposal_pk",
    ("certification_certificate_lifecycle", "pk"): "certificate_pk",
    ("wagtailsettings:edit", "app_name"): "settings_app",
    ("wagtailsettings:edit", "model_name"): "settings_model",
    ("wagtailsettings:preview_on_edit", "app_name"): "settings_app",
    ("wagtailsettings:preview_on_edit", "model_name"): "settings_model",
}
# Wagtail's generic admin: any plausible value; the rule over those URLs allows any answer
# but a server error to staff, so a missing object is fine.
BY_CONVERTER = {
    "int": 1,
    "str": "x",
    "slug": "x",
    "path": "x",
    "regex": "1",
    "uuid": uuid.UUID(int=1),
}
BY_KEYWORD_GENERIC = {
    "page_id": "home_page_id",
    "parent_page_id": "home_page_id",
    "document_id": "document_pk",
    "doc_id": "document_pk",
}


def fill(pattern: Pattern, world, models: dict[str, str]) -> dict:
    """The keyword arguments for `pattern`, from the world."""
    values = {}
    root = pattern.namespace.split(":")[0]
    for keyword, converter in pattern.kwargs:
        world_key = BY_URL.get((pattern.name, keyword))
        if world_key is None and keyword == "pk" and root in models:
            obj = world.objects.get(models[root])
            if obj is not None:
                values[keyword] = obj.pk
                continue
        if world_key is None and keyword in world.kwargs:
            world_key = keyword
        if world_key is None:
            world_key = BY_KEYWORD_GENERIC.get(keyword)
        if world_key is not None:
            values[keyword] = world.kwargs[world_key]
        elif keyword in ("pk", "id") or keyword.endswith("_id"):
            values[keyword] = 1
        else:
            values[keyword] = BY_CONVERTER[converter]
    return values


# Unnamed patterns cannot be reversed: a sample path for each.
UNNAMED = {
    "admin/test404/": "/admin/test404/",
    "admin/^.*/$": "/admin/no-such-admin-page/",
    "documents/^(\\d+)/(.*)$": "/documents/{document_pk}/{document_filename}",
    "^((?:[\\w\\-]+/)*)$": "/",
}


def url_for(pattern: Pattern, world, models) -> str:
    if pattern.name is None:
        return UNNAMED[pattern.route].format(**world.kwargs)
    kwargs = fill(pattern, world, models)
    if pattern.name == "wagtail_serve":
        return "/"
    if pattern.name == "wagtaildocs_serve":
        return f"/documents/{world.kwargs['document_pk']}/{world.kwargs['document_filename']}"
    return reverse(pattern.name, kwargs=kwargs)


def outcome(response):
    """The outcome of one request, as the table writes it."""
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        path = location.split("?")[0]
        if path.endswith(("/accounts/login/", "/admin/login/", "/_util/login/")):
            return LOGIN
        if path.endswith("/accounts/two-factor/"):
            return TWO_FACTOR
        if path in ("/admin/", "http://testserver/admin/"):
            return HOME
        return 302
    return response.status_code


def expand(spec: str) -> dict:
    """ "anon:login trainee:200 *:404" -> {role: outcome}; `*` is every role not yet named."""
    result: dict = {}
    for token in spec.split():
        who, _, what = token.rpartition(":")
        value = int(what) if what.isdigit() else what
        roles = [r for r in ROLES if r not in result] if who == "*" else GROUPS.get(who, (who,))
        for role in roles:
            if role not in ROLES:
                raise ValueError(f"unknown role or group {role!r} in {spec!r}")
            result[role] = value
    missing = [r for r in ROLES if r not in result]
    if missing:
        raise ValueError(f"{spec!r} says nothing about {missing}")
    return result


def row_counts() -> dict:
    """Rows in every table of our apps and of Wagtail's documents and pages."""
    labels = OUR_APPS | {"wagtaildocs", "wagtailcore", "auth"}
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and not model._meta.proxy
    }
