from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", views.two_factor_verify, name="two_factor_verify"),
    path("login/passkey/options/", views.passkey_sign_in_options, name="passkey_sign_in_options"),
    path("login/passkey/", views.passkey_sign_in, name="passkey_sign_in"),
    path("two-factor/", views.two_factor, name="two_factor"),
    # Under two-factor/: reachable by people whose role must set a second factor up first.
    path("two-factor/passkey/options/", views.passkey_options, name="passkey_options"),
    path("two-factor/passkey/", views.passkey_register, name="passkey_register"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("register/confirm/", views.confirm_registration, name="confirm_registration"),
    path(
        "register/confirm/<str:token>/",
        views.confirm_registration_link,
        name="confirm_registration_link",
    ),
    path("invitation/", views.invitation, name="invitation"),
    path("invitations/<str:key>/", views.accept_invitation, name="accept_invitation"),
    path("profile/", views.profile, name="profile"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
