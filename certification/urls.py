from django.urls import path

from . import views_practicum

practicum_patterns = (
    [
        path("", views_practicum.home, name="home"),
        path("<int:placement_id>/", views_practicum.placement, name="placement"),
        path("<int:placement_id>/agree/", views_practicum.agree, name="agree"),
        path("<int:placement_id>/entries/new/", views_practicum.entry_form, name="entry_new"),
        path(
            "<int:placement_id>/entries/<int:entry_id>/",
            views_practicum.entry_form,
            name="entry_edit",
        ),
        path(
            "<int:placement_id>/entries/<int:entry_id>/correct/",
            views_practicum.correction_form,
            name="entry_correct",
        ),
        path("<int:placement_id>/send/", views_practicum.submit, name="submit"),
        path("<int:placement_id>/sign-off/", views_practicum.signoff_form, name="signoff_new"),
        path("supervise/<int:placement_id>/", views_practicum.supervise, name="supervise"),
        path("supervise/<int:placement_id>/decide/", views_practicum.decide, name="decide"),
        path(
            "supervise/<int:placement_id>/sessions/new/",
            views_practicum.session_form,
            name="session_new",
        ),
        path(
            "supervise/<int:placement_id>/sign-off/<int:request_id>/",
            views_practicum.rating_form,
            name="rate",
        ),
    ],
    "practicum",
)
