from django.urls import path

from koers.reporting import views

app_name = "reporting"
urlpatterns = [
    path("plans/<int:pk>/reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.job_detail, name="job"),
    path("reports/<int:pk>/download/", views.job_download, name="download"),
    path("reports/<int:pk>/retry/", views.job_retry, name="retry"),
    path("rounds/<int:pk>/report-text/", views.report_text, name="report_text"),
]
