"""The packet pages (`packets` namespace: trainees, and supervisors confirming); lms/urls.py
mounts them. The public side is the verify page (see apps.py)."""

from django.urls import path

from . import views

packet_patterns = (
    [
        path("", views.build, name="build"),
        path("<id:packet_id>/", views.detail, name="detail"),
        path("<id:packet_id>/packet.pdf", views.packet_pdf, name="pdf"),
        path("<id:packet_id>/clr.json", views.packet_clr, name="clr"),
        path("attestations/<id:attestation_id>/", views.confirm, name="confirm"),
    ],
    "packets",
)
