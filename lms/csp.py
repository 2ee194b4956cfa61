"""Content-Security-Policy and related headers.

Learner, supervisor and verifier pages get a strict policy: scripts and styles only from the
site itself (or an inline element carrying this request's nonce), no plugins, no framing, no
base-tag tricks. The one exception to "no framing" is Wagtail's preview of a page, served to a
signed-in editor: the editor's live preview panel frames it from the admin, on this origin
only. The Wagtail admin has its own, looser policy, because the admin's own code
needs inline scripts and styles; staff browsing the site with Wagtail's editing bar get inline
styles for that bar. Templates can use `{{ request.csp_nonce }}` on an inline element."""

import secrets

from lms.storage import file_origins

ADMIN_PREFIXES = ("/admin/", "/django-admin/")

SITE_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'nonce-{nonce}'{staff_styles}; "
    "img-src 'self' data:{files}; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)
ADMIN_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:{files}; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "frame-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def is_editor_preview(request) -> bool:
    """Whether this is Wagtail's preview of a page for someone who may use the admin. Only
    Wagtail's preview handler sets `is_preview`, on a request it builds itself after checking
    that the user may edit the page; no header or parameter from outside can set it."""
    if not getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            # Files kept in a bucket are shown from its address (lms/storage.py).
            files = file_origins()
            files = f" {files}" if files else ""
            if request.path.startswith(ADMIN_PREFIXES):
                policy = ADMIN_POLICY.format(files=files)
            else:
                user = getattr(request, "user", None)
                staff = bool(user is not None and user.is_authenticated and user.is_staff)
                policy = SITE_POLICY.format(
                    nonce=request.csp_nonce,
                    staff_styles=" 'unsafe-inline'" if staff else "",
                    frame_ancestors="'self'" if is_editor_preview(request) else "'none'",
                    files=files,
                )
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
