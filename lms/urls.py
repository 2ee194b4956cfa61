from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certification.boards.urls import board_patterns
from certification.credentials.urls import (
    certificate_patterns,
    credential_patterns,
    issuer_patterns,
    letter_patterns,
    renewal_patterns,
)
from certification.desk.urls import desk_patterns
from certification.exams.urls import exam_patterns
from certification.hours.urls import hours_patterns
from certification.live.urls import live_patterns
from certification.organisations.urls import organisation_patterns, sharing_patterns
from certification.packets.urls import packet_patterns
from certification.practicum.urls import practicum_patterns
from certification.recognition.urls import recognition_patterns
from certification.standards.urls import framework_patterns
from certification.verification.views import openapi
from cms import views as cms_views
from courses.urls import learn_patterns, teach_patterns
from lms.accounts import urls as accounts_urls
from lms.accounts import views as accounts_views
from lms.privacy.urls import privacy_patterns, wellbeing_patterns
from lms.private_pages import private_section

# Sections whose pages show a person's sensitive text or other people's emails are never
# stored by a browser or proxy (lms/private_pages.py).
urlpatterns = [
    # Before Wagtail's own: one sign-in form for the whole site (lms/accounts/views.py).
    path("admin/login/", accounts_views.to_site_login, name="admin_login"),
    path("_util/login/", accounts_views.to_site_login, name="frontend_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Account pages too: an organisation's page lists its members' email addresses.
    path(
        "accounts/",
        include(private_section((accounts_urls.urlpatterns, accounts_urls.app_name))),
    ),
    path("healthz/", cms_views.healthz, name="healthz"),
    path("support/", cms_views.support, name="support"),
    path("frameworks/", include(framework_patterns)),
    path("credentials/", include(credential_patterns)),
    path("certificates/", include(certificate_patterns)),
    path("issuer/", include(issuer_patterns)),
    path("learn/", include(private_section(learn_patterns))),
    path("organisations/", include(private_section(organisation_patterns))),
    path("renewal/", include(private_section(renewal_patterns))),
    path("letters/", include(private_section(letter_patterns))),
    path("sharing/", include(private_section(sharing_patterns))),
    path("practicum/", include(private_section(practicum_patterns))),
    path("training-hours/", include(private_section(hours_patterns))),
    path("packets/", include(private_section(packet_patterns))),
    path("privacy/", include(private_section(privacy_patterns))),
    path("wellbeing/", include(private_section(wellbeing_patterns))),
    path("teach/", include(private_section(teach_patterns))),
    path("live/", include(private_section(live_patterns))),
    # The registrar desk lists people and their progress: never stored by a browser.
    path("desk/", include(private_section(desk_patterns))),
    # A trainee's readiness for a board reads their hours and practicum: private.
    path("boards/", include(private_section(board_patterns))),
    path("recognition/", include(private_section(recognition_patterns))),
    # Exam results name people and their scores: never stored by a browser.
    path("exams/", include(private_section(exam_patterns))),
    path("verify/", include("certification.verification.urls")),
    path("api/openapi.json", openapi, name="openapi"),
]

# Wagtail's deliberate test 500 answers 404 unless DEBUG is on (decided per request).
for _pattern in wagtailadmin_urls.urlpatterns:
    if getattr(_pattern, "name", None) == "wagtailadmin_error_test":
        _pattern.callback = cms_views.debug_only(_pattern.callback)

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]

handler400 = "cms.views.bad_request"
handler403 = "cms.views.permission_denied"
handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"
