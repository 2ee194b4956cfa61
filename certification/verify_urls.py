"""Public verification, mounted at /verify/ (namespace "verify"). Fixed paths come before the
code patterns, which accept anything (slashes too) so that whatever is typed, a code that
cannot be shown gets the same answer."""

from django.urls import path

from . import views_verify as views

app_name = "verify"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("check-pdf/", views.check_pdf, name="check_pdf"),
    path("pdf/<str:sha256>.json", views.pdf_json, name="pdf_json"),
    path("<path:code>.json", views.certificate_json, name="certificate_json"),
    path("<path:code>/", views.certificate, name="certificate"),
]
