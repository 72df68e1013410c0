from django.urls import path

from koers.complaints_public import views

app_name = "complaints_public"
urlpatterns = [
    path("klachtenverslag/", views.report_list, name="reports"),
    path("klachtenverslag/<int:year>/", views.report_page, name="report"),
    path("klachtenverslag/<int:year>.<str:fmt>", views.report_download, name="download"),
    path("klachtenformulier/", views.portal_form_settings, name="portal_form"),
]
