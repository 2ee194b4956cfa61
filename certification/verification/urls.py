"""Public verification, mounted at /verify/ (namespace "verify"). Fixed paths come before the
code patterns, which accept anything (slashes too) so that whatever is typed, a code that
cannot be shown gets the same answer."""

from django.urls import path, register_converter

from . import views as views


class AnythingConverter:
    """Like "path", but a newline matches too."""

    regex = r"[\s\S]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AnythingConverter, "anything")

app_name = "verify"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("check-pdf/", views.check_pdf, name="check_pdf"),
    path("pdf/<str:sha256>.json", views.pdf_json, name="pdf_json"),
    # "anything", not "path": a code with a newline (an API client may send %0A) must still
    # get the JSON answer rather than fall through to an HTML page.
    path("<anything:code>.json", views.certificate_json, name="certificate_json"),
    path("<path:code>/", views.certificate, name="certificate"),
]
