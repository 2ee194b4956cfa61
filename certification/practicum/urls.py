"""The practicum pages (`practicum` namespace: trainees and supervisors); lms/urls.py mounts
them."""

from django.urls import path

from . import views

practicum_patterns = (
    [
        path("", views.home, name="home"),
        path("<int:placement_id>/", views.placement, name="placement"),
        path("<int:placement_id>/agree/", views.agree, name="agree"),
        path("<int:placement_id>/entries/new/", views.entry_form, name="entry_new"),
        path(
            "<int:placement_id>/entries/<int:entry_id>/",
            views.entry_form,
            name="entry_edit",
        ),
        path(
            "<int:placement_id>/entries/<int:entry_id>/correct/",
            views.correction_form,
            name="entry_correct",
        ),
        path("<int:placement_id>/send/", views.submit, name="submit"),
        path("<int:placement_id>/sign-off/", views.signoff_form, name="signoff_new"),
        path("supervise/<int:placement_id>/", views.supervise, name="supervise"),
        path("supervise/<int:placement_id>/decide/", views.decide, name="decide"),
        path(
            "supervise/<int:placement_id>/sessions/new/",
            views.session_form,
            name="session_new",
        ),
        path(
            "supervise/<int:placement_id>/sign-off/<int:request_id>/",
            views.rating_form,
            name="rate",
        ),
    ],
    "practicum",
)
