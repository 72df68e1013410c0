"""The page where an administrator makes and revokes the keys of the BI feed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, get_for_organisation, handle_form, member_view
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.api import feed, feed_tokens
from koers.api.forms import FeedTokenForm
from koers.api.models import FeedToken

SHOWN_ONCE = "feed_key_shown_once"


def _tokens_url(request) -> str:
    return reverse("feed:tokens", kwargs={"org": request.organisation.slug})


@member_view
def tokens(request):
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    form = FeedTokenForm(request.POST or None, organisation=organisation)

    def create():
        return feed_tokens.create_feed_token(
            form.cleaned_data["membership"], form.cleaned_data["name"], actor=actor(request)
        )

    made = handle_form(request, form, create)
    if made:
        # Shown once, on the page the redirect leads to; kept in the (server-side) session
        # only until then, so that reloading that page does not make another key.
        request.session[SHOWN_ONCE] = made[1]
        return redirect(_tokens_url(request))
    new_key = request.session.pop(SHOWN_ONCE, None) if request.method == "GET" else None
    listed = (
        FeedToken.objects.filter(membership__organisation=organisation)
        .select_related("membership__user", "created_by", "revoked_by")
        .order_by("revoked_at", "-created_at")
    )
    feed_url = request.build_absolute_uri(reverse("api-feed", kwargs={"org": organisation.slug}))
    context = {
        "form": form,
        "tokens": listed,
        "new_key": new_key,
        "feed_url": feed_url,
        "tables": list(feed.TABLES),
    }
    status = 400 if form.errors else 200
    response = render(request, "api/feed_tokens.html", context, status=status)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@member_view
@require_POST
def revoke(request, pk):
    actor(request).require(MANAGE_ORGANISATION)
    token = get_for_organisation(
        request, FeedToken.objects.select_related("membership"), "membership__organisation", pk=pk
    )
    feed_tokens.revoke_feed_token(token, actor=actor(request))
    messages.success(request, _("The key %(name)s no longer works.") % {"name": token.name})
    return redirect(_tokens_url(request))
