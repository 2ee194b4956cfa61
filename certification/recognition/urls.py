"""Recognition of prior learning (`recognition` namespace), a private section."""

from django.urls import path

from . import views

recognition_patterns = (
    [
        path("", views.home, name="home"),
        path("queue/", views.queue, name="queue"),
        path("<id:claim_id>/", views.detail, name="detail"),
        path("<id:claim_id>/decide/", views.decide, name="decide"),
        path("<id:claim_id>/evidence/", views.evidence, name="evidence"),
    ],
    "recognition",
)
