from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from koers.api import feed_views, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/<slug:org>/plans/", views.PlanList.as_view(), name="api-plans"),
    path("v1/<slug:org>/plans/<int:pk>/", views.PlanDetail.as_view(), name="api-plan"),
    path(
        "v1/<slug:org>/plans/<int:pk>/items/", views.PlanItemList.as_view(), name="api-plan-items"
    ),
    path("v1/<slug:org>/plans/<int:pk>/tree/", views.PlanTree.as_view(), name="api-plan-tree"),
    path("v1/<slug:org>/items/<int:pk>/", views.ItemDetail.as_view(), name="api-item"),
    # The feed for BI tools (docs/bi-feed.md).
    path("v1/<slug:org>/feed/", feed_views.FeedIndex.as_view(), name="api-feed"),
    re_path(
        r"^v1/(?P<org>[-a-zA-Z0-9_]+)/feed/(?P<table>[a-z_]+)\.(?P<fmt>csv|json)$",
        feed_views.FeedTable.as_view(),
        name="api-feed-table",
    ),
]
