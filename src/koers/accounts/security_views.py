"""Signing in with a second factor, one's own account (password, two-step verification),
invitations and the organisation's rule for two-step verification."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from koers.accounts import passkeys, two_factor
from koers.accounts.access import actor, get_for_organisation, member_view, save_with
from koers.accounts.invitations import invitation_tokens, invite_again
from koers.accounts.models import Membership
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.accounts.security_forms import AppCodeForm, CodeForm, ResetForm, TwoFactorPolicyForm

PENDING = "koers_pending_login"
# Seconds between a right password and the code before the password must be typed again.
PENDING_SECONDS = 300
NEW_CODES = "koers_new_recovery_codes"


class SignInView(auth_views.LoginView):
    """Django's login; a user with a second factor gives the code on the next page before
    the session is logged in."""

    template_name = "registration/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if _kept_out(user, method="password"):
            # Before any session or second step: nothing is signed in.
            form.add_error(None, suspended_message())
            return self.form_invalid(form)
        if two_factor.has_second_factor(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("two_factor_code")
        auth_login(self.request, user)
        return redirect(self.get_success_url())


def suspended_message() -> str:
    # As neutral as the page of a suspended organisation: no reason, no other names.
    return _("Your organisation is not available at the moment. Contact your administrator.")


def _kept_out(user, *, method: str) -> bool:
    """Whether every organisation of ``user`` is suspended (provider staff excepted); the
    refusal is then written to those organisations' audit logs."""
    from koers.hosting.services import audit_suspended_sign_in, organisations_keeping_out

    memberships = organisations_keeping_out(user)
    if memberships:
        audit_suspended_sign_in(user, memberships, method=method)
    return bool(memberships)


def pending_user(request):
    """The person whose password (or provider) was right a moment ago and who must still
    pass the second step; none when that took too long or when their organisations were
    suspended meanwhile (the password step then says why)."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None and _kept_out(user, method="second_step"):
        request.session.pop(PENDING, None)
        return None, None
    return user, pending


def finish_sign_in(request, user, device) -> str:
    """The second step passed with ``device`` (a code, a recovery code or a passkey): log in
    the person whose password was right (unless the session is logged in already), mark
    the session verified, and return where to go: the page asked for before the login."""
    pending = request.session.pop(PENDING, None)
    if not request.user.is_authenticated:
        auth_login(request, user, backend=pending["backend"])
    otp_login(request, device)
    if two_factor.recovery_codes_left(user) <= 2:
        messages.warning(
            request,
            _("You have few recovery codes left; make new ones on your account page."),
        )
    asked = pending["next"] if pending is not None else request.GET.get("next", "")
    return _safe_next(request, asked)


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def code_step(request):
    """The second step of the login, or of a session an organisation requires it for."""
    if request.user.is_authenticated:
        user, pending = request.user, None
        if request.user.is_verified() or not two_factor.has_second_factor(user):
            return redirect(_safe_next(request, request.GET.get("next", "")))
        next_url = request.POST.get("next") or request.GET.get("next", "")
    else:
        user, pending = pending_user(request)
        if user is None:
            messages.info(request, _("Give your e-mail address and password again."))
            return redirect("login")
        next_url = pending["next"]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.wait_seconds(user)
        device = None if wait else two_factor.verify(user, form.cleaned_data["code"])
        if wait:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)s seconds and try again.")
                % {"seconds": wait},
            )
        elif device is None:
            form.add_error("code", _("This code is not right."))
        else:
            finish_sign_in(request, user, device)
            return redirect(_safe_next(request, next_url))
    context = {"form": form, "next": next_url, "passkey": passkeys.has_passkey(user)}
    return render(request, "registration/login_code.html", context)


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_second_factor": two_factor.has_second_factor(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "off_form": CodeForm(prefix="off"),
            "passkeys": passkeys.passkeys(user),
            "may_add_passkey": passkeys.may_add_passkey(user),
        },
    )


@login_required
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), give a code."""
    if two_factor.has_second_factor(request.user):
        return redirect("accounts:account")
    device = two_factor.pending_app(request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = save_with(
            form, lambda: two_factor.confirm_app(request.user, form.cleaned_data["code"])
        )
        if codes:
            otp_login(request, device)
            request.session[NEW_CODES] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(reverse("accounts:recovery_codes") + _next_query(request))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "next": request.GET.get("next", ""),
        },
    )


def _next_query(request) -> str:
    from urllib.parse import urlencode

    next_url = request.GET.get("next") or request.POST.get("next")
    return "?" + urlencode({"next": next_url}) if next_url else ""


@login_required
def recovery_codes(request):
    """Shows new recovery codes once; POST makes new ones (the old ones stop working)."""
    if request.method == "POST":
        if not two_factor.has_second_factor(request.user):
            return redirect("accounts:account")
        request.session[NEW_CODES] = two_factor.new_recovery_codes(request.user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:account")
    next_url = request.GET.get("next", "")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _safe_next(request, next_url) if next_url else ""},
    )


@login_required
@require_POST
def passkey_remove(request, pk):
    if passkeys.remove_passkey(request.user, pk):
        messages.success(request, _("The passkey has been removed."))
    return redirect(reverse("accounts:account") + "#passkeys")


@login_required
@require_POST
def two_factor_off(request):
    form = CodeForm(request.POST, prefix="off")
    if form.is_valid() and save_with(
        form, lambda: two_factor.switch_off(request.user, form.cleaned_data["code"]) or True
    ):
        messages.success(request, _("Two-step verification is off."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "has_second_factor": True,
            "recovery_codes_left": two_factor.recovery_codes_left(request.user),
            "off_form": form,
            "passkeys": passkeys.passkeys(request.user),
            "may_add_passkey": passkeys.may_add_passkey(request.user),
        },
        status=400,
    )


@member_view
@require_POST
def two_factor_policy(request):
    """Administrators set whether their organisation requires two-step verification."""
    actor(request).require(MANAGE_ORGANISATION)
    form = TwoFactorPolicyForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["two_factor_required"]
        two_factor.set_required(request.organisation, required, actor=actor(request))
        messages.success(
            request,
            _("Two-step verification is now required for administrators and coordinators.")
            if required
            else _("Two-step verification is no longer required."),
        )
    return redirect("accounts:members", org=request.organisation.slug)


@member_view
@require_POST
def member_invite(request, pk):
    """Send a member who has not chosen a password yet a new invitation link."""
    actor(request).require(MANAGE_ORGANISATION)
    membership = get_for_organisation(
        request, Membership.objects.select_related("user"), "organisation", pk=pk
    )
    try:
        invite_again(membership, actor=actor(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A new invitation has been sent to %(email)s.") % {"email": membership.user.email},
        )
    return redirect("accounts:members", org=request.organisation.slug)


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm


class InvitationView(auth_views.PasswordResetConfirmView):
    """Choose one's first password with the link of the invitation e-mail."""

    token_generator = invitation_tokens
    template_name = "registration/invitation_confirm.html"
    success_url = reverse_lazy("invitation_complete")
    reset_url_token = "choose-password"


def invitation_complete(request):
    return render(request, "registration/invitation_complete.html")
