from django.urls import path

from . import views

learn_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
        path("lessons/<int:lesson_id>/position/", views.save_position, name="position"),
        path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete"),
        path("lessons/<int:lesson_id>/break/", views.take_break, name="take_break"),
        path(
            "lessons/<int:lesson_id>/notes/<str:block_id>/",
            views.content_note,
            name="content_note",
        ),
        path(
            "lessons/<int:lesson_id>/reflections/<str:block_id>/",
            views.reflection,
            name="reflection",
        ),
        path("break/", views.break_page, name="break"),
        path("reflections/", views.reflections, name="reflections"),
        path("reflections/<int:pk>/delete/", views.delete_reflection, name="delete_reflection"),
    ],
    "learn",
)

teach_patterns = (
    [
        path("", views.cohorts, name="cohorts"),
        path("cohorts/<int:pk>/", views.cohort_progress, name="cohort"),
        path("cohorts/<int:pk>/progress.csv", views.cohort_progress_csv, name="cohort_csv"),
    ],
    "teach",
)
