from .accounts import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
from .cms import HomePageFactory, StandardPageFactory
from .courses import (
    CohortFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    EnrolmentFactory,
    LessonPageFactory,
    ModulePageFactory,
    build_course,
)

__all__ = [
    "CohortFactory",
    "CourseIndexPageFactory",
    "CoursePageFactory",
    "EnrolmentFactory",
    "LessonPageFactory",
    "ModulePageFactory",
    "build_course",
    "HomePageFactory",
    "InvitationFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "StandardPageFactory",
    "UserFactory",
]
