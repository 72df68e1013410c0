from django.urls import path

from koers.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("logo/", views.logo, name="logo"),
    path("api/plans/<int:pk>.json", views.api_plan, name="api_plan"),
]
