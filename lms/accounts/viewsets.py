"""Admin viewsets for people and organisations."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .models import Invitation, Membership, Organisation, User

USER_FIELDS = ["email", "legal_name", "preferred_name", "pronouns", "is_superuser", "groups"]


class PeerpathUserCreationForm(UserCreationForm):
    # Our model has no first/last name: drop Wagtail's declared fields for them.
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        model = User
        fields = USER_FIELDS
        widgets = {"groups": forms.CheckboxSelectMultiple}


class PeerpathUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        model = User
        fields = [*USER_FIELDS, "is_active"]
        widgets = {"groups": forms.CheckboxSelectMultiple}


class UserDeleteView(WagtailUserDeleteView):
    """Someone with records that must be kept (an erasure request, signed practicum,
    certificates) cannot be deleted: Wagtail's usage check does not see those links, so the
    database refuses, and the admin says so instead of failing with a server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "This person has records that must be kept, so they cannot be deleted. "
                    "Use an erasure request (Privacy) to remove their personal data."
                ),
            )
            return redirect(self.get_success_url())


class UserViewSet(WagtailUserViewSet):
    delete_view_class = UserDeleteView

    def get_form_class(self, for_update=False):
        return PeerpathUserEditForm if for_update else PeerpathUserCreationForm


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    form_fields = ["name", "slug", "kind", "contact_email", "website"]
    list_display = ["name", "kind", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    add_to_admin_menu = False


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Memberships")
    form_fields = ["user", "organisation", "role"]
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__legal_name", "organisation__name"]


class InvitationViewSet(ModelViewSet):
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    form_fields = ["organisation", "email", "role", "expires_at"]
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["email"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
    ]


class PeopleViewSetGroup(ModelViewSetGroup):
    menu_label = _("People")
    menu_icon = "group"
    menu_order = 900
    items = (OrganisationViewSet, MembershipViewSet, InvitationViewSet)
