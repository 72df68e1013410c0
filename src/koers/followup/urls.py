from django.urls import path

from koers.followup import views

app_name = "followup"
urlpatterns = [
    path("plans/<int:pk>/rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("my-updates/", views.inbox, name="inbox"),
    path("updates/<int:pk>/", views.update_edit, name="update"),
    path("updates/<int:pk>/withdraw/", views.update_withdraw, name="withdraw"),
    path("updates/<int:pk>/autosave/", views.update_autosave, name="autosave"),
    path("updates/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
