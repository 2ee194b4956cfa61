import logging

from django.apps import AppConfig
from django.conf import settings
from wagtail.users.apps import WagtailUsersAppConfig

logger = logging.getLogger("lms")


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    default = True
    verbose_name = "People and organisations"

    def ready(self):
        from lms import checks  # noqa: F401  (registers the deployment checks)
        from lms.converters import register_id_converter
        from lms.lookups import register_in_range_lookups

        register_id_converter()  # before any URL configuration uses <id:...>
        register_in_range_lookups()

        from . import reauth  # noqa: F401  (connects the sign-in stamp)

        connect_role_cache()
        connect_request_versions()

        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info(
                "No Celery broker configured (REDIS_URL unset): background tasks run "
                "in-process, after the transaction that queued them commits."
            )


def connect_request_versions() -> None:
    """Versions of kept values (lms.cache) are read once per request."""
    from django.core.signals import request_finished, request_started

    from lms import cache

    request_started.connect(cache.start_request, dispatch_uid="lms.cache.start_request")
    request_finished.connect(cache.end_request, dispatch_uid="lms.cache.end_request")


def connect_role_cache() -> None:
    """Any change to what decides a person's roles makes every process read them again."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from lms import cache

    from .models import Membership, Organisation, Passkey, TOTPDevice, User
    from .permissions import ROLES_VERSION, roles_changed

    cache.read_together(ROLES_VERSION)

    for model in (Membership, Organisation, TOTPDevice, Passkey, Group):
        uid = f"accounts.roles.{model._meta.label_lower}"
        post_save.connect(roles_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(roles_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        roles_changed, sender=User.groups.through, dispatch_uid="accounts.roles.user-groups"
    )


class PeerpathUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (legal and preferred names,
    pronouns) instead of first and last name."""

    user_viewset = "lms.accounts.viewsets.UserViewSet"
