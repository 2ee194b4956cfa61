from django.urls import path

from . import views, views_assessment, views_contact_hours, views_statistics

learn_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("courses/<id:course_id>/enrol/", views.enrol, name="enrol"),
        path("lessons/<id:lesson_id>/position/", views.save_position, name="position"),
        path("lessons/<id:lesson_id>/complete/", views.complete_lesson, name="complete"),
        path("lessons/<id:lesson_id>/break/", views.take_break, name="take_break"),
        path(
            "lessons/<id:lesson_id>/notes/<str:block_id>/",
            views.content_note,
            name="content_note",
        ),
        path(
            "lessons/<id:lesson_id>/reflections/<str:block_id>/",
            views.reflection,
            name="reflection",
        ),
        path("quizzes/<id:quiz_id>/start/", views_assessment.start_attempt, name="start_attempt"),
        path("attempts/<uuid:key>/", views_assessment.attempt_page, name="attempt"),
        path(
            "attempts/<uuid:key>/answers/<id:position>/",
            views_assessment.save_answer,
            name="save_answer",
        ),
        path("attempts/<uuid:key>/result/", views_assessment.attempt_result, name="attempt_result"),
        path("break/", views.break_page, name="break"),
        path("reflections/", views.reflections, name="reflections"),
        path("reflections/<id:pk>/delete/", views.delete_reflection, name="delete_reflection"),
    ],
    "learn",
)

teach_patterns = (
    [
        path("", views.cohorts, name="cohorts"),
        path("cohorts/<id:pk>/", views.cohort_progress, name="cohort"),
        path("cohorts/<id:pk>/progress.csv", views.cohort_progress_csv, name="cohort_csv"),
        path("marking/", views_assessment.marking_queue, name="marking"),
        path("marking/<id:response_id>/", views_assessment.mark, name="mark"),
        path("marking/attempts/<id:attempt_id>/release/", views_assessment.release, name="release"),
        path(
            "quizzes/<id:quiz_id>/statistics/",
            views_statistics.quiz_statistics,
            name="quiz_statistics",
        ),
        path("contact-hours/", views_contact_hours.contact_hours_list, name="contact_hours"),
        path(
            "contact-hours/<id:page_id>/",
            views_contact_hours.contact_hours_page,
            name="contact_hours_page",
        ),
        path(
            "contact-hours/proposals/<id:pk>/decide/",
            views_contact_hours.decide_contact_hours,
            name="contact_hours_decide",
        ),
        path(
            "quizzes/<id:quiz_id>/statistics.csv",
            views_statistics.quiz_statistics_csv,
            name="quiz_statistics_csv",
        ),
    ],
    "teach",
)
