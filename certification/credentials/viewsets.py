"""Admin for credentials and certificates (registrars; the permissions in roles.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from certification.practicum.viewsets import NoDeletePolicy, ReadOnlyPolicy
from certification.standards.models import Credential

from .forms import CredentialForm
from .models import Certificate, CertificateTemplate


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
    list_filter = ["kind", "status", "route", "credential_code"]
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
    inspect_template_name = "certification/admin/certificate_inspect.html"

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


# Certificates are listed and inspected, never added or edited here (those views are not
# routed): a read-only policy keeps the listing's "Add" button and every edit link (the
# inspect view, other objects' usage listings) from pointing at a URL that does not exist.
register_permission_policy(Certificate, ReadOnlyPolicy(Certificate))
# Every credential has versions (and enrolments) that protect it: deleting one could only
# fail with a server error, so the admin offers no delete (retire a credential instead).
register_permission_policy(Credential, NoDeletePolicy(Credential))
