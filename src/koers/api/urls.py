from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from koers.api import views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/<slug:org>/plans/", views.PlanList.as_view(), name="api-plans"),
    path("v1/<slug:org>/plans/<int:pk>/", views.PlanDetail.as_view(), name="api-plan"),
    path(
        "v1/<slug:org>/plans/<int:pk>/items/", views.PlanItemList.as_view(), name="api-plan-items"
    ),
    path("v1/<slug:org>/plans/<int:pk>/tree/", views.PlanTree.as_view(), name="api-plan-tree"),
    path("v1/<slug:org>/items/<int:pk>/", views.ItemDetail.as_view(), name="api-item"),
]
