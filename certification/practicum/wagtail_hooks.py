from wagtail import hooks

from .viewsets import PracticumViewSetGroup


@hooks.register("register_admin_viewset")
def register_practicum_viewsets():
    return PracticumViewSetGroup()
