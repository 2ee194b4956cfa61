"""Who may see and decide training hours. Every view, file URL and export asks here."""

from lms.accounts.permissions import is_registrar


def can_see_training_record(user, person) -> bool:
    """A person's training hours: the person themselves and registrars."""
    return bool(user.is_authenticated and (user.pk == person.pk or is_registrar(user)))


def can_see_outside_training(user, record) -> bool:
    """One outside training and its certificate: the trainee who recorded it and registrars."""
    return bool(user.is_authenticated and (user.pk == record.trainee_id or is_registrar(user)))


def can_review_outside_training(user) -> bool:
    """Verifying or returning outside training: registrars (the one registrar check)."""
    return is_registrar(user)
