"""Who may do what with data rights: a person acts on their own data (the views ask for a
signed-in user); registrars see and complete erasure requests."""

from lms.accounts.permissions import is_registrar


def can_handle_erasure_requests(user) -> bool:
    """Registrars (and superusers) see and complete other people's erasure requests."""
    return is_registrar(user)
