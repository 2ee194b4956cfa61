"""The practicum pages (`practicum` namespace: trainees and supervisors); lms/urls.py mounts
them."""

from django.urls import path

from . import views, views_onboarding

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
        # Supervisors who join by invitation, and cohorts (views_onboarding).
        path("supervisors/invite/", views_onboarding.invite_supervisor, name="invite_supervisor"),
        path(
            "supervisors/<id:link_id>/approve/",
            views_onboarding.approve_qualification,
            name="approve_qualification",
        ),
        path(
            "supervisors/<id:link_id>/qualification/",
            views_onboarding.qualification_file,
            name="qualification_file",
        ),
        path("organisations/<slug:slug>/", views_onboarding.organisation, name="organisation"),
        path("organisations/<slug:slug>/cohort/", views_onboarding.cohort, name="cohort"),
        path("join/", views_onboarding.join, name="join"),
        path("join/<str:token>/", views_onboarding.join_link, name="join_link"),
    ],
    "practicum",
)
