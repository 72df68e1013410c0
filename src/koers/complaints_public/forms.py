from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koers.complaints_public.intake_guard import HONEYPOT
from koers.complaints_public.models import PortalComplaintForm

# Per field: at most this many characters (the register's own columns allow as much).
LIMITS = {"subject": 200, "description": 5000, "name": 200, "address": 500, "phone": 50}
EMAIL_LIMIT = 254


class ComplaintPortalForm(forms.Form):
    """The citizen's complaint: subject and description, optional contact details, the
    consent to use them, and the two fields of the spam protection."""

    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=LIMITS["subject"],
        help_text=gettext_lazy("In a few words, for example “Container not emptied”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Your complaint"),
        max_length=LIMITS["description"],
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What happened, when and where? Do not write down other people's personal data."
        ),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=LIMITS["name"], required=False)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=LIMITS["address"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=EMAIL_LIMIT,
        required=False,
        help_text=gettext_lazy("You receive a confirmation with the reference number there."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone number"), max_length=LIMITS["phone"], required=False
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree that the organisation uses the details I give only to handle this "
            "complaint and to contact me about it."
        ),
        required=False,
    )
    website = forms.CharField(label=gettext_lazy("Website"), required=False, max_length=200)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "token":
                continue
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _(
                    "Use at most %(limit_value)d characters (you typed %(show_value)d)."
                )
            css = (
                "utrecht-textarea"
                if isinstance(field.widget, forms.Textarea)
                else "utrecht-textbox"
            )
            if isinstance(field, forms.BooleanField):
                css = "utrecht-checkbox utrecht-checkbox--html-input"
            field.widget.attrs["class"] = css
        self.fields["subject"].error_messages["required"] = _("Give your complaint a subject.")
        self.fields["description"].error_messages["required"] = _(
            "Write down what your complaint is about."
        )
        self.fields["email"].error_messages["invalid"] = _(
            "This is not a valid e-mail address. Write it as name@example.be, or leave it empty."
        )
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def describe_fields(self) -> None:
        """Tie each field to its help and error texts (``aria-describedby``) and mark the
        fields with an error (``aria-invalid``), once the form has been checked."""
        for name in self.fields:
            bound = self[name]
            attrs = self.fields[name].widget.attrs
            ids = []
            if self.fields[name].help_text:
                ids.append(f"{bound.id_for_label}-help")
            if self.is_bound and self.errors.get(name):
                ids.append(f"{bound.id_for_label}-error")
                attrs["aria-invalid"] = "true"
            if ids:
                attrs["aria-describedby"] = " ".join(ids)

    @property
    def contact_fields(self):
        return [self[name] for name in ("name", "address", "email", "phone")]

    @property
    def shown_fields(self):
        """The fields people fill in (the error summary links to these)."""
        return [self[name] for name in ("subject", "description", "name", "address", "email")] + [
            self["phone"],
            self["consent"],
        ]

    def clean(self):
        data = super().clean()
        gave_details = any(data.get(name) for name in ("name", "address", "email", "phone"))
        if gave_details and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "Tick this box to send your contact details, or leave them empty to "
                    "complain anonymously."
                ),
            )
        return data


class PortalFormSettingsForm(forms.ModelForm):
    class Meta:
        model = PortalComplaintForm
        fields = ["enabled", "introduction"]
