"""Who may use the registrar desk. Views and exports ask here."""

from lms.accounts.permissions import is_registrar


def can_use_desk(user) -> bool:
    """Registrars (and superusers): the one registrar check (`is_registrar`)."""
    return is_registrar(user)
