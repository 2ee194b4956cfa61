"""What the practicum does when something happens in the apps below it."""


def place_trainee_who_joined(sender, *, user, invitation, **kwargs):
    """A trainee accepted their invitation: their placements whose supervisors joined first
    are made now (a cohort upload invites both at once, and either may join first)."""
    from .services import onboarding

    if invitation.role == "trainee":
        onboarding.place_waiting(user=user)
