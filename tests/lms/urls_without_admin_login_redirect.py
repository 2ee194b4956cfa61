"""The project's URLs without the redirects of Wagtail's sign-in forms to the site's, so
Wagtail's own forms answer at /admin/login/ and /_util/login/
(tests/lms/test_sign_in_entry_points.py: the middleware alone must hold)."""

from lms.urls import handler400, handler403, handler404, handler500
from lms.urls import urlpatterns as site

urlpatterns = [p for p in site if getattr(p, "name", None) not in ("admin_login", "frontend_login")]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
