"""Forms of signing in and of one's own account: codes, password reset, the organisation's
rule for two-step verification."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class AppCodeForm(CodeForm):
    """The code that proves the app was set up right: digits only."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class ResetForm(PasswordResetForm):
    """Django's reset form, which also reaches invited people who have not chosen a
    password yet (their invitation may have expired). Unknown addresses get no e-mail and
    the same answer."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.lower() == email.lower())


class TwoFactorPolicyForm(forms.Form):
    two_factor_required = forms.BooleanField(
        label=_("Two-step verification required for administrators and coordinators"),
        required=False,
        help_text=_(
            "They must set up an authenticator app before they can open anything of this "
            "organisation, and give a code at every login."
        ),
    )
