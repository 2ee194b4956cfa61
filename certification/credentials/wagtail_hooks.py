from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import certificate_lifecycle, change_certificate_name, issue_manually
from .permissions import can_manage_certificates
from .viewsets import CertificationViewSetGroup


@hooks.register("register_admin_viewset")
def register_certification_viewsets():
    return CertificationViewSetGroup()


@hooks.register("register_admin_urls")
def register_manual_issue_url():
    return [
        path("certificates/issue/", issue_manually, name="certification_issue_manually"),
        path(
            "certificates/<id:pk>/lifecycle/",
            certificate_lifecycle,
            name="certification_certificate_lifecycle",
        ),
        path(
            "certificates/name/",
            change_certificate_name,
            name="certification_change_certificate_name",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_manual_issue_menu_item():
    class ManualIssueMenuItem(MenuItem):
        def is_shown(self, request):
            return can_manage_certificates(request.user)

    return ManualIssueMenuItem(
        _("Issue a certificate"),
        reverse("certification_issue_manually"),
        icon_name="plus",
        order=311,
    )


@hooks.register("register_admin_menu_item")
def register_certificate_name_menu_item():
    class NameMenuItem(MenuItem):
        def is_shown(self, request):
            return can_manage_certificates(request.user)

    return NameMenuItem(
        _("Change a certificate name"),
        reverse("certification_change_certificate_name"),
        icon_name="user",
        order=312,
    )
