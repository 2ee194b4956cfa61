from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certification.certificate_urls import (
    certificate_patterns,
    credential_patterns,
    issuer_patterns,
)
from certification.organisation_urls import (
    organisation_patterns,
    renewal_patterns,
    sharing_patterns,
)
from certification.practicum.urls import practicum_patterns
from certification.standards.urls import framework_patterns
from certification.views_verify import openapi
from cms import views as cms_views
from courses.urls import learn_patterns, teach_patterns
from lms.privacy.urls import privacy_patterns, wellbeing_patterns

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("lms.accounts.urls")),
    path("healthz/", cms_views.healthz, name="healthz"),
    path("support/", cms_views.support, name="support"),
    path("frameworks/", include(framework_patterns)),
    path("credentials/", include(credential_patterns)),
    path("certificates/", include(certificate_patterns)),
    path("issuer/", include(issuer_patterns)),
    path("learn/", include(learn_patterns)),
    path("organisations/", include(organisation_patterns)),
    path("renewal/", include(renewal_patterns)),
    path("sharing/", include(sharing_patterns)),
    path("practicum/", include(practicum_patterns)),
    path("privacy/", include(privacy_patterns)),
    path("wellbeing/", include(wellbeing_patterns)),
    path("teach/", include(teach_patterns)),
    path("verify/", include("certification.verify_urls")),
    path("api/openapi.json", openapi, name="openapi"),
]

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
