"""Addresses of signing in: the code step, password change and reset, invitations.

Included under ``accounts/`` without a namespace: Django's password views find each other
by these names."""

from django.contrib.auth import views as auth_views
from django.urls import path

from koers.accounts import security_views as views

urlpatterns = [
    path("login/code/", views.code_step, name="two_factor_code"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.ResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation_confirm"),
    path("invitation/done/", views.invitation_complete, name="invitation_complete"),
]
