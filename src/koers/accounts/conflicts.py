"""The page a person sees when their save was refused because someone else saved first.

It shows the stored version (who saved it and when, if history knows) beside what the
person typed, field by field, and the form again with their typing and the NEW version,
so that saving once more is a conscious overwrite. HTTP 409.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from koers.accounts.access import handle_form
from koers.accounts.locking import EditConflict, last_change
from koers.plans.richtext import sanitise
from koers.plans.widgets import RichTextWidget


@dataclass
class Row:
    label: str
    stored: str
    yours: str
    differs: bool


@dataclass
class Comparison:
    """One record: its fields as stored and as typed."""

    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(row.differs for row in self.rows)


def compare(yours: forms.BaseForm, stored: forms.BaseForm, title: str = "") -> Comparison:
    """Every visible field of the bound form ``yours`` beside its value in ``stored``
    (an unbound form of the same kind built from the stored record). A password field
    (a client secret) is left out: what was typed there is never shown back."""
    comparison = Comparison(title)
    for name, form_field in yours.fields.items():
        if form_field.widget.is_hidden or name not in stored.fields:
            continue
        if isinstance(form_field.widget, forms.PasswordInput):
            continue
        before = stored[name].initial
        typed = yours[name].data
        comparison.rows.append(
            Row(
                label=str(form_field.label or name),
                stored=show(form_field, before),
                yours=show(form_field, _typed(form_field, typed)),
                differs=form_field.has_changed(before, typed),
            )
        )
    return comparison


def _typed(form_field: forms.Field, value):
    """A typed value as the field reads it ('1.250,5' → 1250.50), to show it the way the
    stored one is shown; as typed when it does not read."""
    if isinstance(form_field, forms.FileField):
        return value
    try:  # choices stay keys (not coerced), to be looked up among the choices
        read = form_field.to_python if isinstance(form_field, forms.ChoiceField) else None
        cleaned = read(value) if read else form_field.clean(value)
    except ValidationError:
        return value
    return list(cleaned) if isinstance(cleaned, QuerySet) else cleaned


def show(form_field: forms.Field, value) -> str:
    """A value of a form field as a person reads it (HTML, escaped or sanitised)."""
    if isinstance(form_field, forms.FileField):
        return escape(getattr(value, "name", "") or "–")
    if isinstance(form_field.widget, RichTextWidget):
        return mark_safe(sanitise(value or "") or "–")
    if isinstance(form_field, forms.BooleanField):
        value = form_field.to_python(value)
        return _("yes") if value else _("no")
    if isinstance(form_field, forms.ChoiceField):
        labels = _choice_labels(form_field)
        values = value if isinstance(value, list | tuple) else [value]
        shown = [labels.get(_key(v), str(v)) for v in values if v not in (None, "")]
        return _escaped(", ".join(shown) if shown else "–")
    if isinstance(value, list | tuple):
        return _escaped(", ".join(str(v) for v in value) or "–")
    if value is None or value == "":
        return "–"
    if hasattr(form_field, "prepare_value") and not isinstance(value, str):
        value = form_field.prepare_value(value)
    return _escaped(formats.localize(value) if not isinstance(value, str) else value)


def _escaped(text) -> str:
    return escape(str(text))


def _key(value) -> str:
    return str(getattr(value, "pk", getattr(value, "value", value)))


def _choice_labels(form_field: forms.ChoiceField) -> dict[str, str]:
    labels = {}
    for key, label in form_field.choices:
        if isinstance(label, list | tuple):  # a group of choices
            labels.update({_key(k): str(v) for k, v in label})
        else:
            labels[_key(key)] = str(label)
    return labels


def retry_data(form: forms.BaseForm, version: int):
    """What the person typed, with the version they have now seen."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    return data


def conflict_page(
    request,
    conflict: EditConflict,
    *,
    title: str,
    comparisons: list[Comparison],
    form,
    form_template: str = "plans/_form_fields.html",
    cancel_url: str = "",
    extra: dict | None = None,
):
    """The 409 page: both versions and the form (``form``, bound to the person's typing
    and the new version) to save theirs anyway."""
    who, when = last_change(conflict.current)
    context = {
        "title": title,
        "who": who,
        "when": when,
        "comparisons": comparisons,
        "changed_elsewhere": not any(c.differences for c in comparisons),
        "form": form,
        "form_template": form_template,
        "cancel_url": cancel_url,
        "action": request.get_full_path(),
        **(extra or {}),
    }
    return render(request, "conflict.html", context, status=409)


def simple_conflict(
    request,
    conflict: EditConflict,
    form: forms.BaseForm,
    build: Callable[..., forms.BaseForm],
    *,
    title: str,
    cancel_url: str = "",
    extra: dict | None = None,
):
    """The conflict page of a form that edits one record: ``build(record, data=None)``
    makes a form of the same kind for a record."""
    current = conflict.current
    stored = build(current)
    fresh = type(current)._base_manager.get(pk=current.pk)  # the retry form writes on it
    retry = build(fresh, data=retry_data(form, current.version))
    return conflict_page(
        request,
        conflict,
        title=title,
        comparisons=[compare(form, stored)],
        form=retry,
        cancel_url=cancel_url,
        extra=extra,
    )


def form_for(form_class: type[forms.BaseForm], **kwargs) -> Callable[..., forms.BaseForm]:
    """``build`` for :func:`simple_conflict`: a ``form_class`` form of a record."""
    return lambda record, data=None: form_class(data, instance=record, **kwargs)


def save_or_conflict(
    request,
    form: forms.BaseForm,
    save: Callable[[], object],
    build: Callable[..., forms.BaseForm],
    *,
    title: str,
    cancel_url: str = "",
    extra: dict | None = None,
):
    """On a POST with a valid form run ``save`` (a service that checks the form's version).

    Returns ``(saved, None)``; ``(None, None)`` when nothing was posted or the form has
    errors; ``(None, page)`` with the 409 page of :func:`simple_conflict` when the record
    was saved by someone else since the form was opened."""
    try:
        return handle_form(request, form, save), None
    except EditConflict as conflict:
        page = simple_conflict(
            request, conflict, form, build, title=title, cancel_url=cancel_url, extra=extra
        )
        return None, page
