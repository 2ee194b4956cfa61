"""Boards (`boards` namespace); lms/urls.py mounts it as a private section."""

from django.urls import path

from . import views

board_patterns = (
    [
        path("", views.index, name="index"),
        path("cohorts/", views.cohorts, name="cohorts"),
        path("<slug:code>/", views.detail, name="detail"),
        path("<slug:code>/aim/", views.aim, name="aim"),
        path("<slug:code>/tick/", views.tick, name="tick"),
        path("<slug:code>/update/", views.update, name="update"),
        path("<slug:code>/stop/", views.let_go, name="let_go"),
        path("<slug:code>/requirements/", views.requirements, name="requirements"),
    ],
    "boards",
)
