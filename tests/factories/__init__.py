from .accounts import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
from .cms import HomePageFactory, StandardPageFactory

__all__ = [
    "HomePageFactory",
    "InvitationFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "StandardPageFactory",
    "UserFactory",
]
