import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from koers.accounts.locking import VersionedForm
from koers.accounts.models import Department
from koers.importers.families import DOCUMENT_FAMILIES
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus
from koers.plans.models.document_import import family_label
from koers.plans.terminology import SECTION_KEYS
from koers.plans.widgets import RichTextWidget
from koers.sdgs.models import SDGGoal, SDGTarget


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email or user.username


SECTION_NAMES = {
    "description": _("description (e.g. 'Ons plan')"),
    "intent": _("intended result (e.g. 'Wat wilden we bereiken?')"),
    "progress": _("progress (e.g. 'Stand van zaken')"),
    "milestones": _("milestones (e.g. 'Tijdspad en mijlpalen')"),
    "cost": _("costs (e.g. 'Wat kost het')"),
}


class AmountField(forms.DecimalField):
    """Euro amounts as people type them: '1.250,50', '1250.50', '€ 1 250' or '-300'."""

    def to_python(self, value):
        if isinstance(value, str):
            value = _normalise_amount(value)
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = f"{value:.2f}"
            return text.replace(".", get_format("DECIMAL_SEPARATOR"))
        return value


def _normalise_amount(text: str, point: str | None = None) -> str:
    """A typed amount as a plain decimal string, reading separators as the language does."""
    point = point or get_format("DECIMAL_SEPARATOR")
    grouping = "," if point == "." else "."
    text = text.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if "," in text and "." in text:  # both: the last one is the decimal point
        grouping = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(grouping, "")
    elif re.fullmatch(rf"-?\d{{1,3}}(\{grouping}\d{{3}})+", text):  # '1.250' in Dutch
        text = text.replace(grouping, "")
    return text.replace(",", ".")


class PlanForm(VersionedForm, forms.ModelForm):
    level_labels_text = forms.CharField(
        label=_("Own level labels"),
        required=False,
        help_text=_("Optional, one per line from the top level down, e.g. 'Programma'."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Plan
        fields = [
            "title",
            "description",
            "first_year",
            "last_year",
            "terminology_preset",
            "progress_rollup",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_labels_text"].initial = "\n".join(self.instance.level_labels or [])
        for key in SECTION_KEYS:
            self.fields[f"section_{key}"] = forms.CharField(
                label=_("Own heading for: %(section)s") % {"section": SECTION_NAMES[key]},
                required=False,
                max_length=80,
                initial=(self.instance.section_labels or {}).get(key, ""),
            )

    def service_values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["level_labels"] = [
            line.strip()
            for line in self.cleaned_data["level_labels_text"].splitlines()
            if line.strip()
        ]
        data["section_labels"] = {
            key: self.cleaned_data[f"section_{key}"].strip()
            for key in SECTION_KEYS
            if self.cleaned_data[f"section_{key}"].strip()
        }
        return data


class SectionedForm:
    """A long form shown in sections (a <fieldset> with a <legend> each, see
    plans/_form_fields.html). ``sections``: (id, legend, field names); a field that no
    section names comes in the last one, a section without fields is left out."""

    sections: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def section_list(self) -> list[tuple[str, str, list]]:
        named = {name for _id, _legend, names in self.sections for name in names}
        rest = [name for name in self.fields if name not in named]
        result = []
        for number, (key, legend, names) in enumerate(self.sections, start=1):
            names = [*names, *rest] if number == len(self.sections) else names
            fields = [self[name] for name in names if name in self.fields]
            fields = [field for field in fields if not field.is_hidden]
            if fields:
                result.append((key, legend, fields))
        return result


class ItemForm(SectionedForm, VersionedForm, forms.ModelForm):
    sections = (
        (
            "section-general",
            _("General"),
            ("code", "title", "policy", "status", "progress", "weight", "is_public"),
        ),
        ("section-people", _("People responsible"), ("owner", "departments")),
        (
            "section-timing",
            _("Timing"),
            ("start_year", "end_year", "planned_start", "planned_end", "timing"),
        ),
        (
            "section-text",
            _("Text"),
            ("description", "intended_result", "progress_note", "cost_note"),
        ),
        ("section-sdgs", _("SDGs"), ("sdg_goals", "sdg_targets")),
    )

    class Meta:
        model = PlanItem
        fields = [
            "code",
            "title",
            "description",
            "intended_result",
            "progress_note",
            "cost_note",
            "policy",
            "owner",
            "departments",
            "start_year",
            "end_year",
            "planned_start",
            "planned_end",
            "timing",
            "status",
            "progress",
            "weight",
            "sdg_goals",
            "sdg_targets",
            "is_public",
        ]
        field_classes = {"owner": PersonChoiceField}
        widgets = {
            "description": RichTextWidget,
            "intended_result": RichTextWidget,
            "progress_note": RichTextWidget,
            "cost_note": RichTextWidget,
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "departments": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        organisation = plan.organisation
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation)
            .order_by("first_name", "last_name", "email")
        )
        self.fields["departments"].queryset = Department.objects.filter(organisation=organisation)
        self.fields["status"].queryset = PlanStatus.objects.filter(plan=plan)
        self.fields["owner"].empty_label = _("(nobody)")
        self.fields["status"].empty_label = _("(no status)")
        self.fields["sdg_goals"].queryset = SDGGoal.objects.all()
        self.fields["sdg_targets"] = forms.TypedMultipleChoiceField(
            label=self.fields["sdg_targets"].label,
            required=False,
            coerce=int,
            choices=_targets_by_goal(),
            widget=forms.SelectMultiple(attrs={"size": 10}),
            help_text=_("Hold Ctrl (or Cmd) to choose several."),
        )
        if self.instance.pk and not self.is_bound:
            self.initial["sdg_targets"] = [target.pk for target in self.instance.sdg_targets.all()]
        self.fields["code"].help_text = _("Leave empty to generate it from the parent's code.")
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100, "step": 1})
        terminology = plan.terminology
        self.fields["description"].label = terminology.section("description")
        intent = terminology.section("intent")
        if intent:
            self.fields["intended_result"].label = intent
        else:
            del self.fields["intended_result"]
        self.fields["progress_note"].label = terminology.section("progress")
        self.fields["cost_note"].label = terminology.section("cost")
        for name in ("description", "intended_result", "progress_note", "cost_note"):
            if name in self.fields:
                self.fields[name].widget.attrs["data-label"] = self.fields[name].label
        self.fields["description"].help_text = _(
            "Use the toolbar for bold, headings, lists and links. Scripts and styles are "
            "removed when you save."
        )

    def clean(self):
        """The checks between fields (end before start, a code already used) on the first
        submit, together with the errors of single fields."""
        from koers.plans.services.items import item_value_errors

        cleaned = super().clean()
        errors = item_value_errors(self.plan, cleaned, exclude_id=self.instance.pk)
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def service_values(self) -> dict:
        return dict(self.cleaned_data)


def _targets_by_goal() -> list[tuple[str, list[tuple[int, str]]]]:
    """The 169 SDG targets grouped under their goal, for a select with option groups."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for target in SDGTarget.objects.select_related("goal"):
        group = f"SDG {target.goal.number} {target.goal.name}"
        groups.setdefault(group, []).append((target.pk, f"{target.code} {target.name}"))
    return list(groups.items())


class MoveForm(VersionedForm, forms.Form):
    POSITIONS = [
        ("last-child", _("as last child of")),
        ("first-child", _("as first child of")),
        ("left", _("just before")),
        ("right", _("just after")),
    ]
    position = forms.ChoiceField(label=_("Place"), choices=POSITIONS)
    target = forms.ModelChoiceField(label=_("Item"), queryset=PlanItem.objects.none())

    def __init__(self, *args, item: PlanItem, **kwargs):
        super().__init__(*args, record=item, **kwargs)
        self.fields["target"].queryset = (
            PlanItem.objects.filter(plan=item.plan)
            .exclude(path__startswith=item.path)
            .order_by("path")
        )
        top = item.plan.terminology.level_plural(1)
        self.fields["target"].label_from_instance = lambda node: (
            _("(top level: %(levels)s)") % {"levels": top}
            if node.is_plan_root
            else "\u2003" * (node.depth - 2) + str(node)
        )


class MilestoneForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "planned_text", "planned_start", "planned_end", "done", "done_on"]
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class MilestoneDoneForm(VersionedForm, forms.Form):
    """Ticking a milestone off (or back on) in place on the item page."""

    done = forms.TypedChoiceField(
        label=_("Done"),
        choices=[("1", _("done")), ("0", _("not done"))],
        coerce=lambda value: value == "1",
    )

    def __init__(self, *args, milestone: Milestone, **kwargs):
        kwargs.setdefault("initial", {"done": "1" if milestone.done else "0"})
        super().__init__(*args, record=milestone, **kwargs)


class BudgetLineForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "direction", "nature", "label", "initial", "current", "actual"]
        field_classes = {"initial": AmountField, "current": AmountField, "actual": AmountField}
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "decimal"})
            for name in ("initial", "current", "actual")
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Year"),
            coerce=int,
            choices=[(y, y) for y in plan.years],
            initial=self.instance.year if self.instance.pk else plan.first_year,
        )


class StatusForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = PlanStatus
        fields = ["name", "key", "colour", "default_percent", "counts_in_progress", "position"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class DocumentUploadForm(forms.Form):
    FAMILY_CHOICES = [
        ("", _("Detect automatically")),
        *((key, family_label(key)) for key in DOCUMENT_FAMILIES),
    ]
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A PlanDocument (.json), a document (.txt, .md, .html, .docx, .pdf), a "
            "spreadsheet (.xlsx, .csv) or a ZIP file of saved pages of one plan website "
            "(.zip)."
        ),
    )
    family = forms.ChoiceField(label=_("Kind of document"), choices=FAMILY_CHOICES, required=False)
    plan = forms.ModelChoiceField(
        label=_("Into plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("(a new plan)"),
        help_text=_(
            "A document is added to an existing plan as non-public items; a spreadsheet "
            "exported from Koers updates the plan's items by their code."
        ),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["plan"].queryset = Plan.objects.filter(organisation=organisation)


class ImportFamilyForm(forms.Form):
    family = forms.ChoiceField(label=_("Read as"), choices=DocumentUploadForm.FAMILY_CHOICES[1:])


class DeleteForm(VersionedForm, forms.Form):
    """Deleting a record: only the version the person saw when they chose to delete it."""
