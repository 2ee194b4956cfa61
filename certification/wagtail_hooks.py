from wagtail import hooks

from .viewsets import FrameworkViewSetGroup, PracticumViewSetGroup


@hooks.register("register_admin_viewset")
def register_framework_viewsets():
    return FrameworkViewSetGroup()


@hooks.register("register_admin_viewset")
def register_practicum_viewsets():
    return PracticumViewSetGroup()
