from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("calendar/", views.calendar_settings, name="calendar"),
    # Fetched by calendar apps, which carry no session: the token is the key.
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("<id:live_session_id>/", views.session_detail, name="session"),
    path("<id:live_session_id>/calendar.ics", views.session_ics, name="session_ics"),
    path("teach/", views.teach, name="teach"),
    path("teach/new/", views.schedule, name="schedule"),
    path("teach/<id:live_session_id>/", views.register, name="register"),
    path("teach/<id:live_session_id>/code/", views.code, name="code"),
    path("teach/<id:live_session_id>/make-up/", views.makeup, name="makeup"),
    path("teach/<id:live_session_id>/correct/<id:attendance_id>/", views.correct, name="correct"),
]
live_patterns = (urlpatterns, app_name)
