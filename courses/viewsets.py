"""Admin viewsets for course operations (cohorts). Reflections are deliberately absent:
they are private to the learner and have no admin view of any kind."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Cohort


class CohortViewSet(ModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    menu_order = 210
    add_to_admin_menu = True
    form_fields = [
        "name",
        "course",
        "trainer",
        "organisation",
        "start_date",
        "end_date",
        "learners",
    ]
    list_display = ["name", "course", "trainer", "start_date", "end_date"]
    list_filter = ["course", "trainer"]
    search_fields = ["name"]
