from django import forms
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.accounts.models import Organisation
from koers.hosting.models import SingleSignOn
from koers.hosting.services import SSO_FIELDS
from koers.plans.terminology import DEFAULT_PRESET, preset_choices


class SingleSignOnForm(VersionedForm, forms.ModelForm):
    new_version = 0  # the settings may not exist yet: two first saves at once conflict
    issuer = forms.URLField(
        label=_("issuer"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The provider's address; its settings are read from "
            "<issuer>/.well-known/openid-configuration."
        ),
    )
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Never shown again after saving. Leave empty to keep the stored secret."),
    )

    class Meta:
        model = SingleSignOn
        fields = list(SSO_FIELDS)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    slug = forms.SlugField(
        label=_("slug"), help_text=_("short name in addresses, e.g. 'voorbeeld'")
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=Organisation.Kind.choices, initial=Organisation.Kind.MUNICIPALITY
    )
    terminology_preset = forms.ChoiceField(
        label=_("terminology and language"),
        choices=preset_choices,
        initial=DEFAULT_PRESET,
        help_text=_(
            "Flemish BBC speaks Flemish Dutch (nl-BE), the Dutch P&C cycle Netherlands "
            "Dutch (nl-NL)."
        ),
    )
    admin_email = forms.EmailField(label=_("e-mail address of the first administrator"))


class OrganisationSettingsForm(VersionedForm, forms.ModelForm):
    """Name, kind and terminology of an existing organisation, set by the provider. The
    slug stays: addresses of the app, the portal and sign-in depend on it."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "terminology_preset"]
        labels = {"terminology_preset": _("terminology and language")}
        help_texts = {
            "name": _(
                "The short name in addresses (%(slug)s) stays as it is: links, bookmarks and "
                "the sign-in address depend on it."
            ),
            "terminology_preset": _(
                "Flemish BBC speaks Flemish Dutch (nl-BE), the Dutch P&C cycle Netherlands "
                "Dutch (nl-NL): the pages outside a plan and the public portal change at once, "
                "a new plan starts from it; existing plans keep their own terminology."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.help_text = name.help_text % {"slug": self.instance.slug}


class DeleteForm(forms.Form):
    confirmation = forms.CharField(label=_("Type the organisation's name to confirm"))


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)
