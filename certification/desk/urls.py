"""The registrar desk (`desk` namespace); lms/urls.py mounts it."""

from django.urls import path

from . import views

desk_patterns = (
    [
        path("", views.home, name="home"),
        path("export.csv", views.export_csv, name="export_csv"),
    ],
    "desk",
)
