"""URLs for credentials (trainee checklist) and certificates (holder pages)."""

from django.urls import path

from . import views_certificates as views

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
    ],
    "certificates",
)
