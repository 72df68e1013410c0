"""The provider console (/provider/), an organisation's own single sign-on settings and
the two legs of signing in through the organisation's provider."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts import two_factor
from koers.accounts.access import actor, handle_form, member_view
from koers.accounts.conflicts import form_for, save_or_conflict
from koers.accounts.models import Organisation
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.accounts.scoping import scopes_disabled
from koers.hosting import oidc, services
from koers.hosting.forms import (
    DeleteForm,
    OrganisationForm,
    OrganisationSettingsForm,
    SingleSignOnForm,
    SuspendForm,
)
from koers.hosting.middleware import (
    PROVIDER_LOGOUT,
    SECOND_FACTOR,
    SINGLE_SIGN_ON_BACKEND,
    THROUGH_SLUG,
)
from koers.hosting.models import ProviderLogEntry, SingleSignOn

BACKEND = SINGLE_SIGN_ON_BACKEND


def across_organisations(view):
    """Sign-in and the provider console come before (or above) any one organisation: their
    queries name the organisation they mean themselves, outside the tenant scope."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with scopes_disabled():
            return view(request, *args, **kwargs)

    return wrapper


# -- signing in through the organisation's provider -------------------------------------


def _enabled_sso(slug: str) -> SingleSignOn:
    return get_object_or_404(
        SingleSignOn.objects.select_related("organisation"),
        organisation__slug=slug,
        enabled=True,
        organisation__suspended=False,
    )


def _safe(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@across_organisations
def sso_start(request, org):
    """ "Aanmelden met <organisatie>": the page with the button."""
    sso = _enabled_sso(org)
    next_url = _safe(request, request.GET.get("next", ""))
    context = {"sso": sso, "target": sso.organisation, "next": next_url}
    return render(request, "hosting/sso_start.html", context)


@across_organisations
def sso_go(request, org):
    """The way to the organisation's provider: a link, not a form, since the page's
    Content-Security-Policy (form-action 'self') stops a form redirected elsewhere. Safe
    as a GET: it only starts a sign-in bound to this browser's session by its state."""
    sso = _enabled_sso(org)
    next_url = _safe(request, request.GET.get("next", ""))
    redirect_uri = request.build_absolute_uri(reverse("sso:callback"))
    try:
        return redirect(oidc.start(request, sso, redirect_uri, next_url))
    except oidc.SignInRefused as refusal:
        return _refused(request, sso, str(refusal))


def _refused(request, sso, reason: str):
    context = {"reason": reason, "target": sso.organisation if sso else None}
    return render(request, "hosting/sso_refused.html", context, status=403)


@across_organisations
def sso_callback(request):
    """Back from the organisation's provider."""
    claims = None
    try:
        sso, claims, next_url, id_token = oidc.finish(request)
        email = oidc.email_of(sso, claims)
    except oidc.SignInRefused as refusal:
        sso = getattr(request, "koers_sso", None)
        if sso is not None:
            oidc.audit_refusal(sso, str(refusal), claims)
        return _refused(request, sso, str(refusal))
    # Through authenticate(): django-axes checks the throttle first and counts a refusal.
    user = authenticate(request, username=email, single_sign_on=sso, claims=claims)
    if user is None:
        reason = getattr(request, "koers_sso_refusal", "") or _(
            "Signing in is not possible now. Try again later."
        )
        oidc.audit_refusal(sso, reason, claims)
        return _refused(request, sso, reason)
    membership, created = request.koers_sso_membership
    oidc.audit_sign_in(sso, membership, created, claims)
    if request.user.is_authenticated and request.user.pk != user.pk:
        logout(request)
    organisation = sso.organisation
    next_url = next_url or reverse("plans:organisation_home", kwargs={"org": organisation.slug})
    at_provider = oidc.logout_at_provider(sso, id_token)
    if not sso.counts_as_second_factor and two_factor.has_second_factor(user):
        # The provider's sign-in is one factor: the person's own second factor follows.
        import time

        from koers.accounts.security_views import PENDING

        request.session[PENDING] = {
            "user": user.pk,
            "backend": BACKEND,
            "at": time.time(),
            "next": next_url,
        }
        request.session[THROUGH_SLUG] = organisation.slug
        request.session[SECOND_FACTOR] = False
        _keep_for_logout(request, at_provider)
        return redirect("two_factor_code")
    auth_login(request, user, backend=BACKEND)
    request.session[THROUGH_SLUG] = organisation.slug
    request.session[SECOND_FACTOR] = sso.counts_as_second_factor
    _keep_for_logout(request, at_provider)
    return redirect(next_url)


def _keep_for_logout(request, at_provider: dict | None) -> None:
    if at_provider:
        request.session[PROVIDER_LOGOUT] = at_provider
    else:
        request.session.pop(PROVIDER_LOGOUT, None)


# -- signing out, at the provider too ------------------------------------------------------

END_SESSION = "koers_sso_end_session"


class SignOutView(auth_views.LogoutView):
    """Django's logout (a POST). A session signed in through a provider that offers
    RP-initiated logout then goes on to end the session there as well: by a page of
    Koers's own, since the page's Content-Security-Policy (form-action 'self') stops a
    form's redirect to another site."""

    def post(self, request, *args, **kwargs):
        at_provider = request.session.get(PROVIDER_LOGOUT)
        response = super().post(request, *args, **kwargs)  # the Koers session ends here
        if not at_provider:
            return response
        signed_out = request.build_absolute_uri(reverse("sso:signed_out"))
        request.session[END_SESSION] = oidc.end_session_url(at_provider, signed_out)
        return redirect("sso:logout")


def provider_logout(request):
    """Signed out of Koers; on to the provider's end-session endpoint (once)."""
    url = request.session.pop(END_SESSION, None)
    if not url:
        return redirect("login")
    response = render(request, "hosting/provider_logout.html", {"url": url})
    response["Cache-Control"] = "no-store"
    return response


def signed_out(request):
    """Where the provider sends the person back after signing out there (register this
    address at the provider as the post-logout redirect URI)."""
    return render(request, "hosting/signed_out.html")


# -- an organisation's own settings --------------------------------------------------------


@member_view
def organisation_sign_in(request):
    """The organisation's administrator sets its OpenID Connect provider."""
    actor(request).require(MANAGE_ORGANISATION)
    organisation = request.organisation
    return _sso_form(
        request,
        organisation,
        actor(request),
        reverse("hosting:single_sign_on", kwargs={"org": organisation.slug}),
        "hosting/organisation_sign_in.html",
    )


def _sso_form(request, organisation, acting, back: str, template: str, extra=None):
    sso = SingleSignOn.objects.filter(organisation=organisation).first()
    form = SingleSignOnForm(request.POST or None, instance=sso, prefix="sso")

    def save():
        return services.save_single_sign_on(
            organisation, form.cleaned_data, actor=acting, expected_version=form.expected_version
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        _sso_retry_form,
        title=_("Sign-in with the organisation's provider"),
        cancel_url=back,
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The sign-in settings have been saved."))
        return redirect(back)
    callback = request.build_absolute_uri(reverse("sso:callback"))
    start = request.build_absolute_uri(reverse("sso:start", kwargs={"org": organisation.slug}))
    context = {
        "target": organisation,
        "sso": sso,
        "sso_form": form,
        "callback_url": callback,
        "signed_out_url": request.build_absolute_uri(reverse("sso:signed_out")),
        "start_url": start,
        **(extra or {}),
    }
    return render(request, template, context)


def _sso_retry_form(record, data=None) -> SingleSignOnForm:
    """The settings form of the conflict page. A typed client secret is never shown back
    (neither in the comparison nor in the form): the person is asked to type it again."""
    form = SingleSignOnForm(data, instance=record, prefix="sso")
    if data is not None and (data.get(form.add_prefix("client_secret")) or "").strip():
        form.fields["client_secret"].help_text = _(
            "You typed a new client secret; it is not shown again. Type it once more to "
            "save it, or leave it empty to keep the stored one."
        )
    return form


# -- the provider console ------------------------------------------------------------------


def provider_view(view):
    """Provider staff only (403 for everyone else, members and superusers alike)."""

    @login_required
    @across_organisations
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.is_provider(request.user):
            raise PermissionDenied
        request.provider_actor = services.provider_actor(request.user)
        return view(request, *args, **kwargs)

    return wrapper


@provider_view
def console(request):
    organisations = list(services.organisations_with_usage())
    log = ProviderLogEntry.objects.select_related(None)[:20]
    return render(request, "hosting/console.html", {"organisations": organisations, "log": log})


@provider_view
def organisation_create(request):
    form = OrganisationForm(request.POST or None)

    def create():
        values = {key: form.cleaned_data[key] for key in ("name", "slug", "kind")}
        values["terminology_preset"] = form.cleaned_data["terminology_preset"]
        return services.create_organisation(
            values, admin_email=form.cleaned_data["admin_email"], actor=request.provider_actor
        )

    membership = handle_form(request, form, create)
    if membership:
        messages.success(
            request,
            _("%(name)s has been created; %(email)s is invited as its administrator.")
            % {"name": membership.organisation.name, "email": membership.user.email},
        )
        return redirect("provider:organisation", org=membership.organisation.slug)
    return render(request, "hosting/organisation_create.html", {"form": form})


@provider_view
def organisation(request, org):
    organisation = get_object_or_404(Organisation, slug=org)
    return _sso_form(
        request,
        organisation,
        request.provider_actor,
        reverse("provider:organisation", kwargs={"org": organisation.slug}),
        "hosting/organisation.html",
        {
            "suspend_form": SuspendForm(),
            "settings_form": OrganisationSettingsForm(instance=organisation),
        },
    )


@provider_view
def organisation_settings(request, org):
    """Name, kind and terminology (with it the language) of an organisation."""
    stored = get_object_or_404(Organisation, slug=org)
    # The form writes what is typed on its own copy; the page shows what is stored.
    edited = Organisation.objects.get(pk=stored.pk)
    form = OrganisationSettingsForm(request.POST or None, instance=edited)
    back = reverse("provider:organisation", kwargs={"org": stored.slug})

    def save():
        return services.update_organisation(
            stored,
            form.cleaned_data,
            actor=request.provider_actor,
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        form_for(OrganisationSettingsForm),
        title=stored.name,
        cancel_url=back,
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("%(name)s has been saved.") % {"name": saved.name})
        return redirect(back)
    return render(
        request,
        "hosting/organisation_settings.html",
        {"target": stored, "form": form},
        status=400 if form.errors else 200,
    )


@provider_view
@require_POST
def organisation_suspend(request, org):
    organisation = get_object_or_404(Organisation, slug=org)
    suspend = request.POST.get("suspended") == "1"
    form = SuspendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.set_suspended(organisation, suspend, actor=request.provider_actor, reason=reason)
    if suspend:
        messages.success(request, _("%(name)s is suspended.") % {"name": organisation.name})
    else:
        messages.success(request, _("%(name)s is available again.") % {"name": organisation.name})
    return redirect("provider:organisation", org=organisation.slug)


@provider_view
@require_POST
def organisation_two_factor(request, org):
    organisation = get_object_or_404(Organisation, slug=org)
    required = request.POST.get("two_factor_required") == "on"
    services.set_two_factor_required(organisation, required, actor=request.provider_actor)
    messages.success(request, _("The two-step rule has been saved."))
    return redirect("provider:organisation", org=organisation.slug)


@provider_view
def organisation_delete(request, org):
    organisation = get_object_or_404(Organisation, slug=org)
    form = DeleteForm(request.POST or None)

    def delete():
        services.delete_organisation(
            organisation, form.cleaned_data["confirmation"], actor=request.provider_actor
        )
        return True

    if handle_form(request, form, delete):
        messages.success(request, _("%(name)s has been deleted.") % {"name": organisation.name})
        return redirect("provider:console")
    return render(
        request, "hosting/organisation_delete.html", {"target": organisation, "form": form}
    )
