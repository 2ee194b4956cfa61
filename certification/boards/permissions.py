"""Who may do what with boards. Views ask here.

A trainee reads and changes only their own targets (the views never take a user id). Board
requirements and cohort readiness are the registrar's."""

from lms.accounts.permissions import is_registrar


def can_aim(user) -> bool:
    """Any active, signed-in person may aim at a board for themselves."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_requirements(user) -> bool:
    return is_registrar(user)


def can_see_cohort_readiness(user) -> bool:
    return is_registrar(user)
