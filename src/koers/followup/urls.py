from django.urls import path

from koers.followup import views

app_name = "followup"
urlpatterns = [
    path("plans/<int:pk>/rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("my-updates/", views.inbox, name="inbox"),
    path("updates/<int:pk>/", views.update_edit, name="update"),
]
