"""Signing in through an organisation's own provider, under /accounts/sso/."""

from django.urls import path

from koers.hosting import views

app_name = "sso"
urlpatterns = [
    # One redirect address for every organisation: register this one at the provider.
    path("callback/", views.sso_callback, name="callback"),
    path("org/<slug:org>/", views.sso_start, name="start"),
    path("org/<slug:org>/go/", views.sso_go, name="go"),
    # After signing out of Koers: on to the provider's end-session endpoint.
    path("logout/", views.provider_logout, name="logout"),
    # The provider's way back after signing out there: register it as the post-logout
    # redirect URI.
    path("signed-out/", views.signed_out, name="signed_out"),
]
