"""Admin for frameworks: registrars edit, trainers read (the permissions in roles.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Competency, Domain, Framework


class FrameworkViewSet(ModelViewSet):
    model = Framework
    icon = "list-ul"
    menu_label = _("Frameworks")
    form_fields = [
        "slug",
        "title",
        "publisher",
        "jurisdiction",
        "version",
        "kind",
        "source_url",
        "licence_note",
        "note",
        "verification",
        "retired",
    ]
    list_display = ["title", "slug", "publisher", "jurisdiction", "retired"]
    list_filter = ["jurisdiction", "retired"]
    search_fields = ["title", "slug", "publisher"]
    inspect_view_enabled = True


class DomainViewSet(ModelViewSet):
    model = Domain
    icon = "folder-open-inverse"
    menu_label = _("Domains")
    form_fields = ["framework", "code", "title", "sort_order", "retired"]
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    inspect_view_enabled = True


class CompetencyViewSet(ModelViewSet):
    model = Competency
    icon = "tick-inverse"
    menu_label = _("Competencies")
    form_fields = ["domain", "code", "text", "verification", "sort_order", "retired"]
    list_display = ["code", "text", "domain"]
    list_filter = ["domain__framework", "verification"]
    search_fields = ["code", "text"]
    inspect_view_enabled = True


class FrameworkViewSetGroup(ModelViewSetGroup):
    menu_label = _("Frameworks")
    menu_icon = "list-ul"
    menu_order = 300
    items = (FrameworkViewSet, DomainViewSet, CompetencyViewSet)


# Credentials and certificates (registrars).

from wagtail.snippets.views.snippets import SnippetViewSet  # noqa: E402

from .credential_forms import CredentialForm  # noqa: E402
from .models import Certificate, CertificateTemplate, Credential  # noqa: E402


class CredentialViewSet(ModelViewSet):
    """Credentials and their rules; saving changed rules makes a new version."""

    model = Credential
    icon = "tick"
    menu_label = _("Credentials")

    def get_form_class(self, for_update=False):
        return CredentialForm

    list_display = ["__str__", "code", "issued_by_product", "retired"]
    list_filter = ["issued_by_product", "retired"]
    search_fields = ["code"]
    inspect_view_enabled = True


class CertificateTemplateViewSet(SnippetViewSet):
    """Certificate designs, previewable with sample data (HTML and PDF)."""

    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate designs")
    list_display = ["name", "issuing_organisation", "version", "is_default"]


class CertificateViewSet(ModelViewSet):
    """Issued and pending certificates. Read-only here: issuing goes through the service
    (automatically, or "Issue manually" with a reason)."""

    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    list_display = [
        "holder_name",
        "credential_title",
        "status",
        "route",
        "issued_on",
        "render_attempts",
        "last_error",
    ]
    list_filter = ["status", "route", "credential_code"]
    search_fields = ["holder_name", "verification_code", "credential_title"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "uuid",
        "verification_code",
        "holder_name",
        "credential_code",
        "credential_title",
        "credential_version_number",
        "status",
        "route",
        "issued_by",
        "manual_reason",
        "issued_on",
        "expires_on",
        "template_version",
        "pdf_sha256",
        "pdf_rendered_at",
        "render_attempts",
        "last_attempt_at",
        "last_error",
    ]
    form_fields = ["status"]  # never shown: the add and edit views are not routed
    add_to_admin_menu = False

    def get_urlpatterns(self):
        # Listing and inspecting only: a certificate is never created or edited by a form.
        return [
            p for p in super().get_urlpatterns() if p.name in ("index", "index_results", "inspect")
        ]


class CertificationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full-inverse"
    menu_order = 310
    items = (CredentialViewSet, CertificateViewSet, CertificateTemplateViewSet)
