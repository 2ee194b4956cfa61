"""The training-hours ledger (`hours` namespace); lms/urls.py mounts it."""

from django.urls import path

from . import views

hours_patterns = (
    [
        path("", views.home, name="home"),
        path("outside/new/", views.outside_new, name="outside_new"),
        path("outside/<id:outside_id>/", views.outside, name="outside"),
        path("outside/<id:outside_id>/certificate/", views.certificate, name="certificate"),
        path("queue/", views.queue, name="queue"),
        path("queue/<id:outside_id>/", views.review, name="review"),
        path("people/<id:person_id>/", views.person, name="person"),
    ],
    "hours",
)
