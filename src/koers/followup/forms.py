from django import forms
from django.utils.translation import gettext_lazy as _

from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.models import PlanItem, PlanStatus
from koers.plans.widgets import RichTextWidget

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    class Meta:
        model = ReportingRound
        fields = ["name", "period_start", "period_end", "deadline", "scope", "scope_item"]
        widgets = {"period_start": DATE, "period_end": DATE, "deadline": DATE}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_item"].queryset = PlanItem.objects.filter(plan=plan, depth=2)
        self.fields["scope_item"].help_text = _("Only when the round covers one part.")


class UpdateForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressUpdate
        fields = ["status", "percent", "narrative"]
        widgets = {"narrative": RichTextWidget}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = PlanStatus.objects.filter(plan=plan)
        self.fields["status"].empty_label = _("(no status)")
        self.fields["percent"].widget.attrs.update({"min": 0, "max": 100})
        self.fields["narrative"].widget.attrs["data-label"] = self.fields["narrative"].label
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the owner"), widget=forms.Textarea(attrs={"rows": 3})
    )
