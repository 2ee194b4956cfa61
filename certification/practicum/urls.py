"""The practicum pages (`practicum` namespace: trainees and supervisors); lms/urls.py mounts
them."""

from django.urls import path

from . import views

practicum_patterns = (
    [
        path("", views.home, name="home"),
        path("<id:placement_id>/", views.placement, name="placement"),
        path("<id:placement_id>/agree/", views.agree, name="agree"),
        path("<id:placement_id>/entries/new/", views.entry_form, name="entry_new"),
        path(
            "<id:placement_id>/entries/<id:entry_id>/",
            views.entry_form,
            name="entry_edit",
        ),
        path(
            "<id:placement_id>/entries/<id:entry_id>/correct/",
            views.correction_form,
            name="entry_correct",
        ),
        path("<id:placement_id>/send/", views.submit, name="submit"),
        path("<id:placement_id>/sign-off/", views.signoff_form, name="signoff_new"),
        path("supervise/<id:placement_id>/", views.supervise, name="supervise"),
        path("supervise/<id:placement_id>/decide/", views.decide, name="decide"),
        path(
            "supervise/<id:placement_id>/sessions/new/",
            views.session_form,
            name="session_new",
        ),
        path(
            "supervise/<id:placement_id>/sign-off/<id:request_id>/",
            views.rating_form,
            name="rate",
        ),
    ],
    "practicum",
)
