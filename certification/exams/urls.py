"""Exam results (`exams` namespace); lms/urls.py mounts it."""

from django.urls import path

from . import views

exam_patterns = (
    [
        path("", views.home, name="home"),
        path("<id:pk>/correct/", views.correct, name="correct"),
        path("<id:pk>/evidence/", views.evidence, name="evidence"),
    ],
    "exams",
)
