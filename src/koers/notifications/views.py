"""Follow or unfollow an item; read one's notifications."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, member_view
from koers.notifications import services
from koers.plans.views.common import get_item

PAGE_SIZE = 100


@member_view
@require_POST
def follow(request, pk):
    item = get_item(request, pk)
    if request.POST.get("follow") == "0":
        services.unfollow(item, actor=actor(request))
    else:
        services.follow(item, actor=actor(request))
    if request.headers.get("HX-Request"):
        return render(
            request,
            "notifications/_follow.html",
            {"item": item, "following": services.is_following(request.user, item)},
        )
    return redirect("plans:item_detail", org=request.organisation.slug, pk=item.pk)


@member_view
def notification_list(request):
    if request.method == "POST":
        services.mark_read(request.membership)
        return redirect("notifications:list", org=request.organisation.slug)
    notifications = services.for_member(request.membership).select_related("item", "changed_by")[
        :PAGE_SIZE
    ]
    return render(request, "notifications/list.html", {"notifications": notifications})
