from django.urls import path

from koers.improvements import views

app_name = "improvements"
urlpatterns = [
    path("verbeteracties/", views.register_list, name="list"),
    path("verbeteracties/nieuw/", views.action_create, name="create"),
    path("verbeteracties/<int:pk>/", views.action_detail, name="detail"),
    path("verbeteracties/<int:pk>/wijzigen/", views.action_edit, name="edit"),
    path("verbeteracties/<int:pk>/verwijderen/", views.action_delete, name="delete"),
    path("verbeteracties/<int:pk>/bewijsstukken/", views.evidence_add, name="evidence_add"),
    path("verbeteracties/bewijsstukken/<int:pk>/", views.evidence_download, name="evidence"),
    path(
        "verbeteracties/bewijsstukken/<int:pk>/verwijderen/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path("verbeteracties/bronnen/", views.sources, name="sources"),
    path("verbeteracties/bronnen/<int:pk>/", views.source_edit, name="source_edit"),
    path("verbeteracties/import/", views.import_upload, name="import"),
    path("verbeteracties/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("verbeteracties/import/<int:pk>/weggooien/", views.import_discard, name="import_discard"),
    path("verbeteracties/rapport/", views.report_page, name="report"),
    path("verbeteracties/rapport/<str:fmt>/", views.report_file, name="report_file"),
    path("verbeteracties/rondes/<int:pk>/", views.round_page, name="round"),
    path("verbeteracties/standen/<int:pk>/", views.update_edit, name="update"),
    path("verbeteracties/standen/<int:pk>/intrekken/", views.update_withdraw, name="withdraw"),
]
