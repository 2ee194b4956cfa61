from wagtail import hooks

from .viewsets import FrameworkViewSetGroup


@hooks.register("register_admin_viewset")
def register_framework_viewsets():
    return FrameworkViewSetGroup()
