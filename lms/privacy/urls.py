"""The privacy pages (`privacy` namespace: export, erasure, registrars' requests) and the
wellbeing space (`wellbeing` namespace); lms/urls.py mounts them."""

from django.urls import path

from . import views, views_wellbeing

privacy_patterns = (
    [
        path("", views.home, name="home"),
        path("my-data.json", views.export_json, name="export_json"),
        path("my-data.pdf", views.export_pdf, name="export_pdf"),
        path("erase/", views.erase, name="erase"),
        path("erase/withdraw/", views.withdraw, name="withdraw"),
        path("requests/", views.requests_list, name="requests"),
        path("requests/<id:request_id>/complete/", views.complete, name="complete"),
    ],
    "privacy",
)

wellbeing_patterns = (
    [
        path("", views_wellbeing.home, name="home"),
        path("statement/", views_wellbeing.statement, name="statement"),
        path(
            "check-ins/<id:checkin_id>/delete/",
            views_wellbeing.delete_checkin,
            name="delete_checkin",
        ),
    ],
    "wellbeing",
)
