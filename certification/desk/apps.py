from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The registrar desk: who is eligible for which credential, who is close, who is blocked
    and by what; the erasure queue and issuance failures. It reads the credential and
    certificate apps below it and owns no tables."""

    name = "certification.desk"
    label = "desk"
    verbose_name = _("Registrar desk")
    default_auto_field = "django.db.models.BigAutoField"
