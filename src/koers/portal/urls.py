from django.urls import path, re_path

from koers.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("zoeken/", views.search_page, name="search"),
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("logo/", views.logo, name="logo"),
    path("theme.css", views.theme, name="theme"),
    path("toegankelijkheid/", views.accessibility_statement, name="accessibility"),
    path("api/plans/<int:pk>.json", views.api_plan, name="api_plan"),
    # Any other address ending in a slash: the portal's own 404 page. (Addresses without
    # the slash stay unmatched, so that Django can still add it to a known one.)
    re_path(r"^(?P<rest>.+/)$", views.not_found, name="not_found"),
]
