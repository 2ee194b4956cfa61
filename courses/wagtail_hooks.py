from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Accommodation, Cohort
from .permissions import accommodation_policy, cohort_policy
from .viewsets import (
    AccommodationViewSet,
    CohortViewSet,
    QuestionBankViewSetGroup,
    question_chooser_viewset,
)

# Before any viewset asks for them (Wagtail would create a fallback policy instead).
register_permission_policy(Cohort, cohort_policy)
register_permission_policy(Accommodation, accommodation_policy)


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return CohortViewSet("cohorts")


@hooks.register("register_admin_viewset")
def register_question_bank_viewsets():
    return QuestionBankViewSetGroup()


@hooks.register("register_admin_viewset")
def register_question_chooser_viewset():
    return question_chooser_viewset


@hooks.register("register_admin_viewset")
def register_accommodation_viewset():
    return AccommodationViewSet("accommodations")
