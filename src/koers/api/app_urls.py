from django.urls import path

from koers.api import token_views

app_name = "feed"
urlpatterns = [
    path("feed-keys/", token_views.tokens, name="tokens"),
    path("feed-keys/<int:pk>/revoke/", token_views.revoke, name="revoke"),
]
