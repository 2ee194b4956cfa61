from wagtail import hooks

from .viewsets import (
    AccommodationViewSet,
    CohortViewSet,
    QuestionBankViewSetGroup,
    question_chooser_viewset,
)


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
