from django import forms
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.improvements import services
from koers.improvements.models import ImprovementAction, ImprovementUpdate, Source
from koers.plans.forms import SectionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return membership.user.get_full_name() or membership.user.email


class PlanItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.code} {item.title}".strip()


class SourceForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "kind", "date", "description"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class ActionForm(SectionedForm, VersionedForm, forms.ModelForm):
    sections = (
        ("section-finding", _("Finding"), ("source", "reference", "finding", "recommendation")),
        (
            "section-follow-up",
            _("Follow-up"),
            ("priority", "owner", "department", "deadline", "status", "completed_on"),
        ),
        ("section-response", _("Response"), ("response", "response_reason")),
        ("section-links", _("Links"), ("plan_items", "complaint")),
    )

    class Meta:
        model = ImprovementAction
        fields = [
            "source",
            "reference",
            "finding",
            "recommendation",
            "priority",
            "owner",
            "department",
            "deadline",
            "status",
            "completed_on",
            "response",
            "response_reason",
            "plan_items",
            "complaint",
        ]
        widgets = {
            "deadline": DATE,
            "completed_on": DATE,
            "finding": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "response_reason": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"owner": MemberChoiceField, "plan_items": PlanItemChoiceField}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(organisation=organisation)
        self.fields["owner"].queryset = services.owner_choices(organisation)
        self.fields["department"].queryset = services.department_choices(organisation)
        self.fields["plan_items"].queryset = services.plan_item_choices(organisation)
        self.fields["plan_items"].required = False
        self.fields["complaint"].queryset = self.fields["complaint"].queryset.filter(
            organisation=organisation
        )
        self.fields["completed_on"].help_text = _("Only for a done action; empty: today.")

    def action_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UpdateForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ImprovementUpdate
        fields = ["status", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["status"].label = _("Status of the action")
        self.fields["narrative"].label = _("What has been done, and what is still to do")


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Source.objects.none(), label=_("Source"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel, one recommendation per row, with the columns Vaststelling and "
            "optionally Referentie, Aanbeveling, Prioriteit, Dienst, Eigenaar, Deadline, "
            "Status, Reactie and Reden."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(organisation=organisation)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should the owner change?"), widget=forms.Textarea)
