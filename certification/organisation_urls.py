"""URLs for organisations (roster check, watch list), holders sharing certificates with
them, and renewal with continuing education."""

from django.urls import path

from . import views_organisations, views_renewal

organisation_patterns = (
    [
        path("", views_organisations.organisation_list, name="list"),
        path("<slug:slug>/", views_organisations.roster, name="roster"),
        path(
            "<slug:slug>/roster/<str:token>.csv",
            views_organisations.roster_csv,
            name="roster_csv",
        ),
        path("<slug:slug>/watch/", views_organisations.watch, name="watch"),
    ],
    "organisations",
)

sharing_patterns = (
    [
        path("<uuid:uuid>/", views_organisations.share, name="certificate"),
        path(
            "<uuid:uuid>/stop/<id:share_id>/",
            views_organisations.stop_sharing,
            name="stop",
        ),
    ],
    "sharing",
)

renewal_patterns = (
    [
        path("", views_renewal.home, name="home"),
        path("records/<id:pk>/delete/", views_renewal.delete_record, name="delete_record"),
        path("records/<id:pk>/evidence/", views_renewal.evidence, name="evidence"),
        path("<uuid:uuid>/", views_renewal.certificate, name="certificate"),
        path("<uuid:uuid>/renew/", views_renewal.renew, name="renew"),
    ],
    "renewal",
)
