from django.urls import path

from koers.complaints import views

app_name = "complaints"

urlpatterns = [
    path("klachten/", views.complaint_list, name="list"),
    path("klachten/export.csv", views.complaint_export, name="export"),
    path("klachten/nieuw/", views.complaint_create, name="create"),
    path("klachten/instellingen/", views.complaint_settings, name="settings"),
    path("klachten/<int:pk>/", views.complaint_detail, name="detail"),
    path("klachten/<int:pk>/indiener/", views.complainant_edit, name="complainant"),
    path("klachten/<int:pk>/geschiedenis/", views.complaint_history, name="history"),
]
