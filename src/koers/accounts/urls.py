from django.urls import path

from koers.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
]
