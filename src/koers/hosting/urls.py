"""The provider console, under /provider/."""

from django.urls import path

from koers.hosting import views

app_name = "provider"
urlpatterns = [
    path("", views.console, name="console"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<slug:org>/", views.organisation, name="organisation"),
    path("<slug:org>/settings/", views.organisation_settings, name="organisation_settings"),
    path("<slug:org>/suspension/", views.organisation_suspend, name="organisation_suspend"),
    path("<slug:org>/two-factor/", views.organisation_two_factor, name="organisation_two_factor"),
    path("<slug:org>/delete/", views.organisation_delete, name="organisation_delete"),
]
