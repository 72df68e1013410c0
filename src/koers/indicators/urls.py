from django.urls import path

from koers.indicators import feed_views, views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.indicator_list, name="list"),
    path("indicators/new/", views.indicator_create, name="create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="delete"),
    path("indicators/<int:pk>/export.<str:fmt>", views.indicator_export, name="export"),
    path("indicators/<int:pk>/targets/new/", views.target_edit, name="target_create"),
    path("indicators/<int:pk>/targets/<int:target_pk>/", views.target_edit, name="target_edit"),
    path("indicators/<int:pk>/values/new/", views.value_edit, name="value_create"),
    path("indicators/<int:pk>/values/<int:value_pk>/", views.value_edit, name="value_edit"),
    path(
        "indicators/<int:pk>/values/<int:value_pk>/delete/",
        views.value_delete,
        name="value_delete",
    ),
    path("indicators/<int:pk>/feeds/new/", feed_views.feed_create, name="feed_create"),
    path("indicators/<int:pk>/feeds/<int:feed_pk>/", feed_views.feed_edit, name="feed_edit"),
    path(
        "indicators/<int:pk>/feeds/<int:feed_pk>/delete/",
        feed_views.feed_delete,
        name="feed_delete",
    ),
    path(
        "indicators/<int:pk>/feeds/<int:feed_pk>/fetch/", feed_views.feed_fetch, name="feed_fetch"
    ),
    path("indicators/import/", views.import_upload, name="import"),
    path("indicators/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("indicators/import/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("items/<int:item_pk>/indicators/link/", views.item_link, name="item_link"),
    path("indicator-links/<int:link_pk>/unlink/", views.item_unlink, name="item_unlink"),
]
