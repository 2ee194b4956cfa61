"""Who may see and decide prior-learning claims. Views, downloads and the queue ask here."""

from lms.accounts.permissions import is_registrar

ASSESS = "recognition.assess_priorlearningclaim"


def can_assess(user) -> bool:
    """Registrars, and people a registrar gave the assessor permission (a group in the
    admin, for example "Assessors")."""
    if not (user.is_authenticated and user.is_active):
        return False
    return is_registrar(user) or user.has_perm(ASSESS)


def can_claim(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_see_claim(user, claim) -> bool:
    """The trainee who made it, and assessors."""
    if not (user.is_authenticated and user.is_active):
        return False
    return claim.trainee_id == user.pk or can_assess(user)


def can_decide(user, claim) -> bool:
    """Assessors decide, never on their own claim."""
    return can_assess(user) and claim.trainee_id != user.pk
