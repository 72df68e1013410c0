from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from koers.accounts.models import Membership


@login_required
def home(request):
    """Choose an organisation; with one membership go straight to its plans."""
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if len(memberships) == 1:
        return redirect("plans:plan_list", org=memberships[0].organisation.slug)
    return render(request, "accounts/home.html", {"memberships": memberships})


def index(request):
    return redirect("accounts:home" if request.user.is_authenticated else "login")
