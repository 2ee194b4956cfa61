"""The public framework pages (`frameworks` namespace); lms/urls.py mounts them."""

from django.urls import path

from . import views

framework_patterns = (
    [
        path("", views.framework_list, name="list"),
        path("<slug:framework>/", views.framework_detail, name="framework"),
        path("<slug:framework>/<str:code>/", views.node_detail, name="node"),
    ],
    "frameworks",
)
