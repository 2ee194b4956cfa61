from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        # The app registry must be ready before these modules import models.
        from lms import hours

        from .services import contact_hours
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        # Completed courses are training hours, at the version each learner completed.
        hours.register_source("course", contact_hours.course_hours_lines)
