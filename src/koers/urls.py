from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from koers.accounts.security_views import SignInView
from koers.accounts.views import index
from koers.hosting.views import SignOutView
from koers.operations.views import health

urlpatterns = [
    path("", index, name="index"),
    path("health/", health, name="health"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/", include("koers.accounts.signin_urls")),
    path("accounts/sso/", include("koers.hosting.sso_urls")),
    path("accounts/passkeys/", include(("koers.accounts.passkeys", "otp_webauthn"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("app/", include("koers.accounts.urls")),
    path("app/<slug:org>/", include("koers.plans.urls")),
    path("app/<slug:org>/", include("koers.followup.urls")),
    path("app/<slug:org>/", include("koers.notifications.urls")),
    path("app/<slug:org>/", include("koers.reporting.urls")),
    path("app/<slug:org>/", include("koers.indicators.urls")),
    path("app/<slug:org>/", include("koers.complaints.urls")),
    path("app/<slug:org>/", include("koers.complaints_public.urls")),
    path("app/<slug:org>/", include("koers.improvements.urls")),
    path("app/<slug:org>/", include("koers.council.urls")),
    path("app/<slug:org>/", include("koers.api.app_urls")),
    path("app/<slug:org>/", include("koers.dashboard.urls")),
    path("app/<slug:org>/", include("koers.audit.urls")),
    path("app/<slug:org>/", include("koers.hosting.app_urls")),
    path("api/", include("koers.api.urls")),
    path("provider/", include("koers.hosting.urls")),
    # The public portal takes every other first path segment: keep it last.
    path("<slug:org>/", include("koers.portal.urls")),
]
