"""URLs for credentials (trainee checklist) and certificates (holder pages)."""

from django.urls import path

from . import views_certificates as views
from . import views_issuer

credential_patterns = (
    [
        path("", views.credential_list, name="list"),
        path("name/", views.confirm_name, name="confirm_name"),
        path("attest/<slug:code>/", views.attest, name="attest"),
        path("<slug:code>/", views.credential_detail, name="detail"),
    ],
    "credentials",
)

certificate_patterns = (
    [
        path("<uuid:uuid>/", views.certificate_detail, name="detail"),
        path("<uuid:uuid>/certificate.pdf", views.certificate_pdf, name="pdf"),
        path("<uuid:uuid>/open-badge.json", views_issuer.holder_credential, name="open_badge"),
        path("<uuid:uuid>/linkedin/", views_issuer.linkedin, name="linkedin"),
        path("<uuid:uuid>/visibility/", views_issuer.visibility, name="visibility"),
    ],
    "certificates",
)

issuer_patterns = (
    [
        path("", views_issuer.issuer_profile, name="profile"),
        path("keys/<str:key_id>/", views_issuer.key_document, name="key"),
        path("status/<slug:purpose>/", views_issuer.status_list, name="status_list"),
    ],
    "issuer",
)
