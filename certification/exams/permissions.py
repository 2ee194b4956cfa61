"""Who may record and see exam results. Views, the evidence download and the admin ask here."""

from lms.accounts.permissions import is_registrar


def can_record_exam_results(user) -> bool:
    """Registrars (and superusers) record and correct external exam results."""
    return user.is_authenticated and is_registrar(user)


def can_see_exam_result(user, result) -> bool:
    """A result and its evidence: the person it belongs to, and registrars."""
    return user.is_authenticated and (result.trainee_id == user.pk or is_registrar(user))
