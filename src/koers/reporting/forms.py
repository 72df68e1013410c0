from django import forms
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.accounts.models import Department
from koers.followup.models import ReportingRound
from koers.plans.models import PlanItem
from koers.plans.widgets import RichTextWidget
from koers.reporting.models import ReportJob, RoundReportText


class ReportForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Reporting round"),
        queryset=ReportingRound.objects.none(),
        required=False,
        empty_label=_("(none: the approved state of today)"),
    )
    format = forms.ChoiceField(label=_("Format"), choices=ReportJob.Format.choices)
    subtree = forms.ModelChoiceField(
        label=_("Only this part"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("(the whole plan)"),
    )
    priority_only = forms.BooleanField(label=_("Priority policy only"), required=False)
    department = forms.ModelChoiceField(
        label=_("Only this department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("(all departments)"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = ReportingRound.objects.filter(plan=plan)
        self.fields["subtree"].queryset = PlanItem.objects.filter(plan=plan, depth=2)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=plan.organisation
        )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "subtree_id": data["subtree"].pk if data.get("subtree") else None,
            "priority_only": bool(data.get("priority_only")),
            "department": data["department"].name if data.get("department") else "",
        }


class ReportTextForm(VersionedForm, forms.ModelForm):
    new_version = 0  # the chapters were not written yet when the form was opened

    class Meta:
        model = RoundReportText
        fields = ["changed_assumptions", "changed_risks"]
        widgets = {"changed_assumptions": RichTextWidget, "changed_risks": RichTextWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["data-label"] = field.label
