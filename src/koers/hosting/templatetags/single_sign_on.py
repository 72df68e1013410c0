"""The "Sign in with <organisation>" button on the login page, for the organisation whose
page the person asked for (``next=/app/<slug>/...``) or named (``?organisation=<slug>``)."""

import re

from django import template

from koers.hosting.models import SingleSignOn

register = template.Library()

APP_PAGE = re.compile(r"^/app/([-a-zA-Z0-9_]+)/")


@register.inclusion_tag("hosting/_sso_button.html", takes_context=True)
def sso_button(context, next_url=""):
    request = context["request"]
    slug = request.GET.get("organisation", "")
    found = APP_PAGE.match(next_url or "")
    if found:
        slug = found.group(1)
    sso = None
    if slug:
        sso = (
            # all_organisations: the sign-in page comes before any organisation's scope.
            SingleSignOn.objects.all_organisations()
            .select_related("organisation")
            .filter(organisation__slug=slug, enabled=True, organisation__suspended=False)
            .first()
        )
    return {"sso": sso, "next": next_url}
