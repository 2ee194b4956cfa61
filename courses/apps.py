from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
