from django.urls import path

from . import views, views_practicum, views_privacy, views_wellbeing

framework_patterns = (
    [
        path("", views.framework_list, name="list"),
        path("<slug:framework>/", views.framework_detail, name="framework"),
        path("<slug:framework>/<str:code>/", views.node_detail, name="node"),
    ],
    "frameworks",
)

practicum_patterns = (
    [
        path("", views_practicum.home, name="home"),
        path("<id:placement_id>/", views_practicum.placement, name="placement"),
        path("<id:placement_id>/agree/", views_practicum.agree, name="agree"),
        path("<id:placement_id>/entries/new/", views_practicum.entry_form, name="entry_new"),
        path(
            "<id:placement_id>/entries/<id:entry_id>/",
            views_practicum.entry_form,
            name="entry_edit",
        ),
        path(
            "<id:placement_id>/entries/<id:entry_id>/correct/",
            views_practicum.correction_form,
            name="entry_correct",
        ),
        path("<id:placement_id>/send/", views_practicum.submit, name="submit"),
        path("<id:placement_id>/sign-off/", views_practicum.signoff_form, name="signoff_new"),
        path("supervise/<id:placement_id>/", views_practicum.supervise, name="supervise"),
        path("supervise/<id:placement_id>/decide/", views_practicum.decide, name="decide"),
        path(
            "supervise/<id:placement_id>/sessions/new/",
            views_practicum.session_form,
            name="session_new",
        ),
        path(
            "supervise/<id:placement_id>/sign-off/<id:request_id>/",
            views_practicum.rating_form,
            name="rate",
        ),
    ],
    "practicum",
)

privacy_patterns = (
    [
        path("", views_privacy.home, name="home"),
        path("my-data.json", views_privacy.export_json, name="export_json"),
        path("my-data.pdf", views_privacy.export_pdf, name="export_pdf"),
        path("erase/", views_privacy.erase, name="erase"),
        path("erase/withdraw/", views_privacy.withdraw, name="withdraw"),
        path("requests/", views_privacy.requests_list, name="requests"),
        path("requests/<id:request_id>/complete/", views_privacy.complete, name="complete"),
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
