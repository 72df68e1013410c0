from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.accounts.models import Department
from koers.complaints.models import Complainant, Complaint, ComplaintSettings
from koers.complaints.services import eligible_handlers
from koers.plans.models import PlanItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        user = membership.user
        return user.get_full_name() or user.email


class LongSelect(forms.Select):
    """A select of many options (a plan's items) written out directly: the same HTML as
    Django's Select, without a template per option, which takes most of a page's time
    at a thousand options."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)
                for key, label in ((str(k), str(v)) for k, v in self.choices)
            ),
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), options)


class PlanItemChoiceField(forms.ModelChoiceField):
    """The organisation's plan items, offered from one query of their labels (no model
    objects: a plan has thousands); the chosen one is read when the form is checked."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, **kwargs)
        rows = queryset.values_list("pk", "plan__title", "code", "title")
        self.choices = [("", self.empty_label)] + [
            (pk, " ".join(f"{plan}: {code} {title}".split())) for pk, plan, code, title in rows
        ]


def _organisation_fields(form, organisation) -> None:
    if "department" in form.fields:
        form.fields["department"].queryset = Department.objects.filter(organisation=organisation)
    if "handler" in form.fields:
        form.fields["handler"] = MemberChoiceField(
            label=_("Handler"),
            queryset=eligible_handlers(organisation),
            required=False,
            help_text=_("The member who handles this complaint; they see the complainant."),
        )


class RegisterForm(forms.ModelForm):
    """A complaint received by phone, e-mail, letter or at the counter, with who filed it."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=50, required=False)

    class Meta:
        model = Complaint
        fields = ["received_on", "channel", "subject", "description", "department", "handler"]
        widgets = {"received_on": DATE}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_fields(self, organisation)
        self.fields["channel"].choices = [
            (value, label)
            for value, label in Complaint.Channel.choices
            if value != Complaint.Channel.PORTAL
        ]

    PERSON = ("name", "address", "email", "phone")

    def complaint_fields(self):
        return [self[name] for name in self.fields if name not in self.PERSON]

    def person_fields(self):
        return [self[name] for name in self.PERSON]

    def complaint_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def complainant_values(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.PERSON}


class HandlingForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Complaint
        fields = [
            "subject",
            "department",
            "handler",
            "admissible",
            "inadmissible_reason",
            "acknowledged_on",
            "answered_on",
            "outcome",
            "answer",
            "plan_item",
        ]
        widgets = {
            "acknowledged_on": DATE,
            "answered_on": DATE,
            "inadmissible_reason": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, may_assign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        _organisation_fields(self, organisation)
        if not may_assign:
            del self.fields["handler"]
        admissible = forms.NullBooleanSelect()
        admissible.choices = [
            ("unknown", _("not decided yet")),
            ("true", _("yes")),
            ("false", _("no")),
        ]
        self.fields["admissible"] = forms.NullBooleanField(
            label=_("Admissible"), required=False, widget=admissible
        )
        self.fields["plan_item"] = PlanItemChoiceField(
            label=_("Improvement in the plan"),
            queryset=PlanItem.objects.filter(plan__organisation=organisation, depth__gt=1).order_by(
                "plan__title", "path"
            ),
            required=False,
            help_text=_("The plan item this complaint leads to, if any."),
            widget=LongSelect,
        )

    def handling_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}


class ComplainantForm(forms.ModelForm):
    class Meta:
        model = Complainant
        fields = ["name", "address", "email", "phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class SettingsForm(VersionedForm, forms.ModelForm):
    new_version = 0

    class Meta:
        model = ComplaintSettings
        fields = ["deadline_days", "reminder_days", "retention_months"]
