from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PacketsConfig(AppConfig):
    """Board application packets: a trainee's signed record of everything Peerpath holds
    that a certification board asks for (training hours, supervised practice, sign-offs, the
    ethics attestation, exams, Peerpath's certificates), as one tagged PDF and one signed
    Comprehensive Learner Record, checkable at /verify/<code>/: for trainees, their
    supervisors (who confirm an attestation page) and board officers."""

    name = "certification.packets"
    label = "packets"
    verbose_name = _("Board application packets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The verify page sits below this app: it learns of packet codes through its
        # registry of other code kinds.
        from certification.verification import others

        from . import tasks  # noqa: F401  registers the task the services enqueue by name
        from .views import verify_packet

        others.register_code_kind("packet", verify_packet)
