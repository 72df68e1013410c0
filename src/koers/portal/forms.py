from django import forms
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koers.accounts.actor import attribute
from koers.accounts.locking import VersionedForm, claim_version
from koers.accounts.models import Organisation
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.portal.contrast import (
    HEX,
    WHITE,
    accessible_shade,
    contrast_ratio,
    is_readable_with_white,
)
from koers.storage import logos

LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
LOGO_MAX_BYTES = 512 * 1024


class PortalFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    goal = forms.ChoiceField(label=gettext_lazy("Goal"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    sdg = forms.ChoiceField(label=gettext_lazy("SDG"), required=False)

    def __init__(self, *args, goals, departments, statuses, sdgs, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("(all)"))]
        self.fields["goal"].choices = everything + [
            (str(row.item.pk), f"{row.item.code} {row.item.title}".strip()) for row in goals
        ]
        self.fields["department"].choices = everything + [(name, name) for name in departments]
        self.fields["status"].choices = everything + [
            (str(status.pk), status.name) for status in statuses
        ]
        self.fields["sdg"].choices = everything + [(str(n), f"SDG {n}") for n in sdgs]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "autocomplete": "off", "class": "utrecht-textbox"}
        )
        for name in ("goal", "department", "status", "sdg"):
            self.fields[name].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"


class BrandingForm(VersionedForm, forms.ModelForm):
    logo_file = forms.FileField(
        label=gettext_lazy("Logo (PNG or JPEG, at most 512 KB)"), required=False
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "colour", "contact_email", "terminology_preset"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}
        help_texts = {
            "colour": gettext_lazy(
                "The header and the links of the portal. White text on it needs a contrast of "
                "at least 4.5:1."
            ),
            "contact_email": gettext_lazy(
                "Named in the portal's accessibility statement: where people report a problem."
            ),
            "terminology_preset": gettext_lazy(
                "The words of Flemish BBC or of Dutch planning & control on the pages outside "
                "a plan; a new plan starts from them."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terminology_preset"].required = False  # left out: stays as it is

    def clean_terminology_preset(self):
        return self.cleaned_data.get("terminology_preset") or self.instance.terminology_preset

    def clean_colour(self):
        colour = self.cleaned_data["colour"].lower()
        message = colour_problem(colour)
        if message:
            raise forms.ValidationError(message)
        return colour

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo can be at most 512 KB."))
        data = upload.read()
        kind = next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), None)
        if kind is None:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return data, kind


def colour_problem(colour: str) -> str | None:
    """Why the colour cannot be the portal's colour (in Dutch), or None when it can: white
    text on it and it as text on the white page need a contrast of at least 4.5:1."""
    if not HEX.match(colour) or is_readable_with_white(colour):
        return None
    ratio = contrast_ratio(colour, WHITE)
    return _(
        "This colour has a contrast of %(ratio)s:1 with white; text needs at least 4.5:1. "
        "Choose a darker colour, for example %(shade)s."
    ) % {"ratio": f"{ratio:.2f}".replace(".", ","), "shade": accessible_shade(colour)}


@transaction.atomic
def save_branding(
    organisation: Organisation, form: BrandingForm, actor, *, expected_version: int | None = None
) -> Organisation:
    """Name, colour and logo of the portal; EditConflict when they were saved since
    ``expected_version``."""
    actor.require(MANAGE_ORGANISATION, organisation=organisation)
    claim_version(organisation, expected_version)
    version = organisation.version
    organisation = form.save(commit=False)
    organisation.version = version
    logo = form.cleaned_data.get("logo_file")
    previous = organisation.logo.name
    if logo:
        data, kind = logo
        suffix = "png" if kind == "image/png" else "jpg"
        # A new name per logo: the history keeps which file was shown when.
        organisation.logo.save(f"logo.{suffix}", ContentFile(data), save=False)
        organisation.logo_type = kind
    elif form.cleaned_data.get("remove_logo"):
        organisation.logo, organisation.logo_type = "", ""
    attribute(organisation, actor)
    organisation.save()
    if previous and previous != organisation.logo.name:
        # Removed once the change is committed; a rolled-back change keeps its logo.
        transaction.on_commit(lambda: logos.delete(previous))
    return organisation
