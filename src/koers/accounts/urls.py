from django.urls import path

from koers.accounts import security_views, views
from koers.portal import views as portal_views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("api-key/", views.api_token, name="api_token"),
    # One's own account: password, two-step verification, API key.
    path("account/", security_views.account, name="account"),
    path("account/two-factor/", security_views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/off/", security_views.two_factor_off, name="two_factor_off"),
    path("account/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("account/passkeys/<int:pk>/remove/", security_views.passkey_remove, name="passkey_remove"),
    path("<slug:org>/members/", views.members, name="members"),
    path("<slug:org>/members/<int:pk>/", views.member_edit, name="member_edit"),
    path(
        "<slug:org>/members/<int:pk>/invite/",
        security_views.member_invite,
        name="member_invite",
    ),
    path(
        "<slug:org>/members/two-factor/",
        security_views.two_factor_policy,
        name="two_factor_policy",
    ),
    path("<slug:org>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:org>/departments/", views.departments, name="departments"),
    path("<slug:org>/departments/<int:pk>/", views.department_edit, name="department_edit"),
    # Name, colour and logo on the public portal (the portal app shows them).
    path("<slug:org>/portal/", portal_views.branding, name="portal_branding"),
]
