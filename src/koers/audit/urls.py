from django.urls import path

from koers.audit import views

app_name = "audit"
urlpatterns = [
    path("logboek/", views.audit_log, name="log"),
    path("logboek.csv", views.audit_csv, name="csv"),
]
