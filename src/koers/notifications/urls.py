from django.urls import path

from koers.notifications import views

app_name = "notifications"
urlpatterns = [
    path("items/<int:pk>/follow/", views.follow, name="follow"),
    path("notifications/", views.notification_list, name="list"),
]
