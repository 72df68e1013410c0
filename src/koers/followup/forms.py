import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.indicators import rounds as indicator_rounds
from koers.indicators.models import Indicator
from koers.plans.forms import AmountField
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
        # Another round of the plan still open: opening one more is confirmed explicitly.
        self.open_rounds = list(plan.rounds.filter(state=ReportingRound.State.OPEN))
        if self.open_rounds:
            self.fields["also_open"] = forms.BooleanField(
                label=_("Yes, open this round beside the one that is still open"),
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if self.open_rounds and not cleaned.get("also_open"):
            names = ", ".join(
                _("%(name)s (deadline %(deadline)s)")
                % {"name": round_.name, "deadline": date_format(round_.deadline)}
                for round_ in self.open_rounds
            )
            raise forms.ValidationError(
                _(
                    "This plan has a round that is still open: %(rounds)s. Close it first, or "
                    "confirm below that you want two open rounds."
                )
                % {"rounds": names}
            )
        cleaned.pop("also_open", None)
        return cleaned


class RoundEditForm(VersionedForm, forms.ModelForm):
    """Name, period and deadline of an open round; its scope stays what it was opened for."""

    class Meta:
        model = ReportingRound
        fields = ["name", "period_start", "period_end", "deadline"]
        widgets = {"period_start": DATE, "period_end": DATE, "deadline": DATE}


class UpdateForm(forms.ModelForm):
    """Status, progress and text, plus a checkbox per open milestone and an amount per
    budget line of the round's years (fields ``milestone_<id>``, ``reached_<id>``,
    ``spent_<id>``)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    # One id per opened form: its own automatic saves are no conflict for it.
    form_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    class Meta:
        model = ProgressUpdate
        fields = ["status", "percent", "narrative"]
        widgets = {"narrative": RichTextWidget}

    def __init__(self, *args, plan, milestones=(), budget_lines=(), indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = PlanStatus.objects.filter(plan=plan)
        self.fields["status"].empty_label = _("(no status)")
        self.fields["percent"].widget.attrs.update({"min": 0, "max": 100})
        self.fields["narrative"].widget.attrs["data-label"] = self.fields["narrative"].label
        if not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial["form_id"] = uuid.uuid4().hex
        self.open_milestones = [m for m in milestones if not m.done]
        self.done_milestones = [m for m in milestones if m.done]
        self.budget_lines = list(budget_lines)
        reached = self.instance.milestones_reached
        for milestone in self.open_milestones:
            key = str(milestone.pk)
            self.fields[f"milestone_{key}"] = forms.BooleanField(
                label=milestone.title, required=False, initial=key in reached
            )
            self.fields[f"reached_{key}"] = forms.DateField(
                label=_("reached on"),
                required=False,
                widget=DATE,
                initial=reached.get(key),
            )
        for line in self.budget_lines:
            reported = self.instance.spending.get(str(line.pk))
            self.fields[f"spent_{line.pk}"] = AmountField(
                label=str(line),
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=line.actual if reported is None else Decimal(reported),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

        self._add_indicator_fields(list(indicators))

    def _add_indicator_fields(self, indicators) -> None:
        """A value and its period per indicator of the item (``indicator_<id>``,
        ``indicator_period_<id>``), the period preset to the round's."""
        self.indicators = indicators
        reported = self.instance.indicator_values
        latest = indicator_rounds.last_values(indicators) if indicators else {}
        for indicator in indicators:
            entry = reported.get(str(indicator.pk))
            unit = Indicator.Unit(indicator.unit).label
            self.fields[indicator_rounds.value_field(indicator.pk)] = forms.CharField(
                label=f"{indicator.name} ({unit})",
                required=False,
                max_length=2000 if indicator.unit == Indicator.Unit.TEXT else 40,
                initial=indicator_rounds.as_typed(indicator, entry) if entry else "",
                help_text=(
                    _("Last value %(value)s") % {"value": latest[indicator.pk]}
                    if indicator.pk in latest
                    else _("No value yet.")
                ),
            )
            self.fields[indicator_rounds.period_field(indicator.pk)] = forms.CharField(
                label=_("Period"),
                required=False,
                max_length=20,
                initial=(
                    entry["period"]
                    if entry
                    else indicator_rounds.round_period(indicator, self.instance.round)
                ),
            )

    def indicator_rows(self):
        return [
            (
                indicator,
                self[indicator_rounds.value_field(indicator.pk)],
                self[indicator_rounds.period_field(indicator.pk)],
            )
            for indicator in self.indicators
        ]

    def _typed_indicator_values(self) -> dict:
        data = self.cleaned_data
        return {
            indicator.pk: {
                "value": data.get(indicator_rounds.value_field(indicator.pk)) or "",
                "period": data.get(indicator_rounds.period_field(indicator.pk)) or "",
            }
            for indicator in self.indicators
        }

    def clean(self):
        cleaned = super().clean()
        if self.indicators:
            by_id = {indicator.pk: indicator for indicator in self.indicators}
            try:
                indicator_rounds.read_reported(
                    by_id, self._typed_indicator_values(), self.instance.round
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def milestone_rows(self):
        return [
            (milestone, self[f"milestone_{milestone.pk}"], self[f"reached_{milestone.pk}"])
            for milestone in self.open_milestones
        ]

    def spending_rows(self):
        return [(line, self[f"spent_{line.pk}"]) for line in self.budget_lines]

    def report_values(self) -> dict:
        """cleaned_data in the shape ``services.save_update`` takes."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in ("status", "percent", "narrative")}
        values["milestones_reached"] = {
            milestone.pk: data.get(f"reached_{milestone.pk}")
            for milestone in self.open_milestones
            if data.get(f"milestone_{milestone.pk}")
        }
        # Only amounts the owner changed: an untouched field must not, on approval, undo
        # an actual that finance entered on the line meanwhile.
        values["spending"] = {
            line.pk: data[f"spent_{line.pk}"]
            for line in self.budget_lines
            if data.get(f"spent_{line.pk}") is not None and data[f"spent_{line.pk}"] != line.actual
        }
        values["indicator_values"] = self._typed_indicator_values()
        return values


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the owner"), widget=forms.Textarea(attrs={"rows": 3})
    )
