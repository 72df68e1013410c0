from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts import services
from koers.accounts.access import actor, get_for_organisation, handle_form, member_view
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.forms import DepartmentForm, MemberForm, MembershipForm
from koers.accounts.models import Department, Membership
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.plans.templatetags.koers import person


@login_required
def home(request):
    """Choose an organisation; with one membership go straight to it (its plans, or an
    action owner's own updates)."""
    memberships = list(
        # all_organisations: the chooser lists the user's organisations, all of them.
        Membership.objects.all_organisations()
        .filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if len(memberships) == 1:
        return redirect("plans:organisation_home", org=memberships[0].organisation.slug)
    if not memberships:
        from koers.hosting.services import is_provider

        if is_provider(request.user):
            return redirect("provider:console")
    return render(request, "accounts/home.html", {"memberships": memberships})


def index(request):
    return redirect("accounts:home" if request.user.is_authenticated else "login")


def _members_url(request) -> str:
    return reverse("accounts:members", kwargs={"org": request.organisation.slug})


def _departments_url(request) -> str:
    return reverse("accounts:departments", kwargs={"org": request.organisation.slug})


@member_view
def members(request):
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    form = MemberForm(request.POST or None, organisation=organisation)

    def add():
        return services.add_member(organisation, form.cleaned_data, actor=actor(request))

    added = handle_form(request, form, add)
    if added:
        messages.success(request, _("%(person)s has been added.") % {"person": added.user.email})
        return redirect(_members_url(request))
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("departments")
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    return render(request, "accounts/members.html", {"form": form, "members": memberships})


def _membership(request, pk) -> Membership:
    queryset = Membership.objects.select_related("user", "organisation")
    return get_for_organisation(request, queryset, "organisation", pk=pk)


@member_view
def member_edit(request, pk):
    actor(request).require(MANAGE_ORGANISATION)
    membership = _membership(request, pk)
    form = MembershipForm(request.POST or None, instance=membership)
    title = _("Role of %(person)s") % {"person": person(membership.user)}

    def update():
        return services.update_member(
            membership,
            form.cleaned_data,
            actor=actor(request),
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        update,
        form_for(MembershipForm),
        title=title,
        cancel_url=_members_url(request),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(_members_url(request))
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": title, "cancel_url": _members_url(request)},
    )


@member_view
@require_POST
def member_remove(request, pk):
    actor(request).require(MANAGE_ORGANISATION)
    membership = _membership(request, pk)
    try:
        services.remove_member(membership, actor=actor(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        email = membership.user.email
        messages.success(request, _("%(person)s is no longer a member.") % {"person": email})
    return redirect(_members_url(request))


@member_view
def departments(request):
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    form = DepartmentForm(request.POST or None, organisation=organisation)

    def save():
        return services.save_department(organisation, form.cleaned_data, actor=actor(request))

    if handle_form(request, form, save):
        messages.success(request, _("The department has been saved."))
        return redirect(_departments_url(request))
    found = Department.objects.filter(organisation=organisation).select_related("head")
    return render(request, "accounts/departments.html", {"form": form, "departments": found})


@member_view
def department_edit(request, pk):
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    department = get_for_organisation(request, Department.objects.all(), "organisation", pk=pk)
    name = department.name
    form = DepartmentForm(request.POST or None, instance=department, organisation=organisation)

    def save():
        return services.save_department(
            organisation,
            form.cleaned_data,
            actor=actor(request),
            department=department,
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        form_for(DepartmentForm, organisation=organisation),
        title=name,
        cancel_url=_departments_url(request),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The department has been saved."))
        return redirect(_departments_url(request))
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": name, "cancel_url": _departments_url(request)},
    )


@login_required
def api_token(request):
    """The user's key for the read-only API; POST makes a new one (the old one stops working)."""
    from rest_framework.authtoken.models import Token

    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(
            request, _("A new API key has been made; the previous one no longer works.")
        )
        return redirect("accounts:api_token")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {"token": token})
