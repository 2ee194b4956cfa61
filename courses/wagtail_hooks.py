from wagtail import hooks

from .viewsets import CohortViewSet


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return CohortViewSet("cohorts")
