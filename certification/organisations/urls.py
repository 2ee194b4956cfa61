"""URLs for organisations (roster check, watch list) and holders sharing certificates with
them."""

from django.urls import path

from . import views

organisation_patterns = (
    [
        path("", views.organisation_list, name="list"),
        path("<slug:slug>/", views.roster, name="roster"),
        path(
            "<slug:slug>/roster/<str:token>.csv",
            views.roster_csv,
            name="roster_csv",
        ),
        path("<slug:slug>/watch/", views.watch, name="watch"),
    ],
    "organisations",
)

sharing_patterns = (
    [
        path("<uuid:uuid>/", views.share, name="certificate"),
        path(
            "<uuid:uuid>/stop/<id:share_id>/",
            views.stop_sharing,
            name="stop",
        ),
    ],
    "sharing",
)
