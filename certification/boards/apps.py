from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    """Certifying boards and what each requires (loaded from `certification/data/boards.yaml`
    with its sources, versioned, editable by registrars), the boards a trainee aims at, and
    their readiness: every requirement with numbers from Peerpath's records, and what Peerpath
    cannot hold as a checklist the trainee ticks. Serves trainees and registrars."""

    name = "certification.boards"
    label = "boards"
    verbose_name = _("Certifying boards")
    default_auto_field = "django.db.models.BigAutoField"
