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

        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info(
                "No Celery broker configured (REDIS_URL unset): background tasks run "
                "in-process, after the transaction that queued them commits."
            )


class PeerpathUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (legal and preferred names,
    pronouns) instead of first and last name."""

    user_viewset = "lms.accounts.viewsets.UserViewSet"
