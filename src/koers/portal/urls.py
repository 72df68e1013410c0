from django.urls import path, re_path

from koers.complaints_public import views as complaint_views
from koers.council import portal_views as council_views
from koers.portal import indicator_views, views

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
    path("cijfers/", indicator_views.indicator_list, name="indicators"),
    path("cijfers/<int:pk>/", indicator_views.indicator_page, name="indicator"),
    path(
        "cijfers/<int:pk>.<str:fmt>",
        indicator_views.indicator_download,
        name="indicator_download",
    ),
    path("cijfers.<str:fmt>", indicator_views.all_values_download, name="indicators_download"),
    # Complaints (koers.complaints_public): the form, its confirmation and the yearly figures.
    path("klacht/", complaint_views.complaint_form, name="complaint_form"),
    path("klacht/ontvangen/", complaint_views.complaint_received, name="complaint_received"),
    path("klachten/", complaint_views.complaints_summary, name="complaints"),
    path("klachten/<int:year>/", complaint_views.complaints_summary, name="complaints_year"),
    path("raadsvragen/", council_views.council_questions, name="council_questions"),
    path("raadsvragen/<int:pk>/", council_views.council_round, name="council_round"),
    # Any other address ending in a slash: the portal's own 404 page. (Addresses without
    # the slash stay unmatched, so that Django can still add it to a known one.)
    re_path(r"^(?P<rest>.+/)$", views.not_found, name="not_found"),
]
