from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.accounts.models import Department
from koers.indicators.models import Indicator, IndicatorTarget, IndicatorValue, ItemIndicator


class IndicatorForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "definition",
            "unit",
            "decimals",
            "direction",
            "band_low",
            "band_high",
            "tolerance",
            "baseline_value",
            "baseline_period",
            "frequency",
            "source",
            "theme",
            "owner",
            "department",
            "is_public",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation)
            .order_by("first_name", "last_name")
        )
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation
        ).order_by("name")
        self.fields["baseline_period"].help_text = _("For example 2019, 2019-H1, 2019-Q3.")


class TargetForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]


class ValueForm(VersionedForm, forms.Form):
    """A value as written: the period and value are read by the service."""

    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        help_text=_("For example 2024, 2024-H1, Q3 2024 or mei 2024."),
    )
    value = forms.CharField(label=_("Value"), max_length=2000, required=False)
    breakdown = forms.CharField(
        label=_("Breakdown"),
        max_length=200,
        required=False,
        help_text=_("Empty for the total; otherwise e.g. a deelgemeente or wijk."),
    )
    series = forms.CharField(
        label=_("Series"),
        max_length=200,
        required=False,
        help_text=_("Empty for the organisation's own figure; otherwise a benchmark name."),
    )

    def __init__(self, *args, record: IndicatorValue | None = None, **kwargs):
        if record is not None and record.pk:
            kwargs.setdefault(
                "initial",
                {
                    "period": record.period,
                    "value": record.text
                    if record.indicator.unit == Indicator.Unit.TEXT
                    else _plain(record.value),
                    "breakdown": record.breakdown,
                    "series": record.series,
                },
            )
        super().__init__(*args, record=record, **kwargs)


def _plain(value) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


class LinkForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=ItemIndicator.Role.choices)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(organisation=organisation)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel. One value per row (columns Indicator, Periode, Waarde, and "
            "optionally Opsplitsing and Reeks), or one row per indicator with a column per "
            "period (Indicator, 2022, 2023, …)."
        ),
    )
