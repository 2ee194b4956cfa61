"""Admin for the practicum: placements, supervisors, the ledger and the audit trail (the
permissions in roles.py). The read-only and no-delete policies serve later apps' admin too."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from certification.practicum.services import practicum as practicum_services
from lms.accounts.models import Membership, User
from lms.audit.models import AuditEvent
from lms.audit.services.events import record_event
from lms.fields import IdChoiceField

from . import permissions
from .exceptions import PracticumError
from .models import Placement, PlacementSupervisor, PracticumEntry


class ReadOnlyPolicy(ModelPermissionPolicy):
    """View only, for everyone including superusers: signed and audit records are changed
    through the services (corrections), never edited in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(["view"] if "view" in actions else [])


class NoDeletePolicy(ModelPermissionPolicy):
    """Placements and their supervisors are history once hours hang on them: never deleted
    (end a placement by its dates instead)."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class PlacementForm(WagtailAdminModelForm):
    """Creating a placement names its first supervisor and their qualification; the service
    checks the supervisor's role at the host. Editing changes dates and grace only."""

    supervisor = IdChoiceField(
        queryset=User.objects.filter(memberships__role=Membership.Role.SUPERVISOR).distinct(),
        required=False,
        help_text=_("Someone with the supervisor role at the placement host."),
    )
    qualification = forms.CharField(
        max_length=250,
        required=False,
        help_text=_("Shown on everything they sign, e.g. “Certified Peer Recovery Specialist”."),
    )
    qualification_expires = forms.DateField(required=False)

    class Meta:
        model = Placement
        fields = ["trainee", "host", "credential_code", "starts_on", "ends_on", "grace_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("supervisor", "qualification", "qualification_expires", "trainee", "host"):
                self.fields.pop(name, None)

    def clean(self):
        data = super().clean()
        if not self.instance.pk:
            for name in ("supervisor", "qualification"):
                if not data.get(name):
                    self.add_error(name, _("Needed to create a placement."))
        return data

    def save(self, commit=True):
        if self.instance.pk:
            return _save_audited(self, "placement.changed", commit=commit)
        data = self.cleaned_data
        try:
            return practicum_services.create_placement(
                trainee=data["trainee"],
                host=data["host"],
                supervisor=data["supervisor"],
                qualification=data["qualification"],
                qualification_expires=data.get("qualification_expires"),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                credential_code=data["credential_code"],
                created_by=getattr(self, "for_user", None),
            )
        except PracticumError as error:
            # Shown on the form by the view (see PlacementCreateView); nothing typed is lost.
            raise ValidationError(error.message) from error


class PlacementCreateView(CreateView):
    def save_instance(self):
        # The service creates the placement with its supervisor and the audit event.
        return self.form.save()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class PlacementViewSet(ModelViewSet):
    model = Placement
    icon = "group"
    menu_label = _("Placements")
    form_fields = ["trainee", "host", "credential_code", "starts_on", "ends_on", "grace_days"]
    list_display = ["trainee", "host", "starts_on", "ends_on", "agreed"]
    list_filter = ["host", "credential_code"]
    search_fields = ["trainee__legal_name", "trainee__email", "host__name"]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_view_class = PlacementCreateView

    def get_form_class(self, for_update=False):
        return PlacementForm


def _save_audited(form, action, *, commit=True):
    """Save an admin form and record what changed in the audit trail, together."""
    changed = {name: form.initial.get(name) for name in form.changed_data}
    with transaction.atomic():
        instance = super(type(form), form).save(commit=commit)
        record_event(
            actor=getattr(form, "for_user", None),
            action=action,
            obj=instance,
            before=changed,
            after={name: form.cleaned_data.get(name) for name in form.changed_data},
        )
    return instance


class PlacementSupervisorForm(WagtailAdminModelForm):
    class Meta:
        model = PlacementSupervisor
        fields = ["placement", "supervisor", "qualification", "qualification_expires"]

    def clean(self):
        data = super().clean()
        placement, supervisor = data.get("placement"), data.get("supervisor")
        if placement and supervisor:
            if supervisor.pk == placement.trainee_id:
                self.add_error("supervisor", _("A trainee cannot supervise their own placement."))
            elif not permissions.may_supervise_at(supervisor, placement.host):
                self.add_error(
                    "supervisor",
                    _("They need the supervisor role at %(host)s first.")
                    % {"host": placement.host},
                )
        return data

    def save(self, commit=True):
        return _save_audited(
            self,
            "placement.supervisor_changed" if self.instance.pk else "placement.supervisor_added",
            commit=commit,
        )


class PlacementSupervisorViewSet(ModelViewSet):
    model = PlacementSupervisor
    icon = "user"
    menu_label = _("Placement supervisors")
    form_fields = ["placement", "supervisor", "qualification", "qualification_expires"]
    list_display = ["supervisor", "placement", "qualification", "qualification_expires"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return PlacementSupervisorForm


class PracticumEntryViewSet(ModelViewSet):
    model = PracticumEntry
    icon = "time"
    menu_label = _("Practicum entries")
    list_display = ["date", "placement", "activity", "minutes", "status"]
    list_filter = ["status", "activity"]
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "placement",
        "date",
        "start_time",
        "minutes",
        "setting",
        "activity",
        "description",
        "status",
        "corrects",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_comment",
        "signed_qualification",
        "content_hash",
    ]
    form_fields = inspect_view_fields  # never used: the policy refuses add and edit


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Audit trail")
    list_display = ["at", "action", "object_type", "object_id", "actor"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "request_id", "action"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["action"]  # never used: the policy refuses add and edit


class PracticumViewSetGroup(ModelViewSetGroup):
    menu_label = _("Practicum")
    menu_icon = "time"
    menu_order = 310
    items = (PlacementViewSet, PlacementSupervisorViewSet, PracticumEntryViewSet, AuditEventViewSet)


for _model in (PracticumEntry, AuditEvent):
    register_permission_policy(_model, ReadOnlyPolicy(_model))
for _model in (Placement, PlacementSupervisor):
    register_permission_policy(_model, NoDeletePolicy(_model))
