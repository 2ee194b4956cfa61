"""Permissions from organisation roles (`roles.MEMBERSHIP_PERMISSIONS`), beside Django's
group permissions: an organisation admin of a training provider holds the cohort permissions
for as long as the membership lasts, with no staff group to keep in step. Which cohorts they
reach is still decided by `courses/permissions.py`; this only opens the door."""

from django.contrib.auth.backends import BaseBackend

from .permissions import role_facts
from .roles import MEMBERSHIP_PERMISSIONS

CACHE_ATTRIBUTE = "_peerpath_membership_perm_cache"


class MembershipRoleBackend(BaseBackend):
    """Answers has_perm only; signs nobody in (authenticate is BaseBackend's: None)."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        cached = getattr(user_obj, CACHE_ATTRIBUTE, None)
        if cached is None:
            held = [(m.kind, m.role) for m in role_facts(user_obj).memberships]
            cached = {
                permission
                for kind_and_role in set(held)
                for permission in MEMBERSHIP_PERMISSIONS.get(kind_and_role, ())
            }
            setattr(user_obj, CACHE_ATTRIBUTE, cached)
        return cached

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
