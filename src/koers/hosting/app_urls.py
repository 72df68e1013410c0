"""An organisation's own sign-in settings, under /app/<org>/."""

from django.urls import path

from koers.hosting import views

app_name = "hosting"
urlpatterns = [
    path("sign-in/", views.organisation_sign_in, name="single_sign_on"),
]
