"""Optimistic locking: an edit saved from an old version of a record is refused.

Every record people edit in a form carries a ``version`` that goes up by one at every
save. A form carries the version it was opened at; the service that saves it calls
:func:`claim_version` first, inside its transaction. That is one conditional
``UPDATE … SET version = version + 1 WHERE pk = … AND version = …``: the first writer
wins, every other writer who started from the same version gets :class:`EditConflict`
with the record as it is stored now, and nothing of theirs is written. On PostgreSQL the
UPDATE also locks the row until the transaction ends, so writers of one record take turns;
SQLite runs write transactions one at a time anyway.

Callers without a form (the command line, approvals, spreadsheet updates) pass no
expected version: their save is not checked but still counts, so that a form opened
before it is refused afterwards.
"""

from django import forms
from django.db import models
from django.db.models import F


def version_field() -> models.PositiveIntegerField:
    """The ``version`` column of a record edited in forms; raw INSERTs (bulk loads) get 1."""
    return models.PositiveIntegerField(default=1, db_default=1, editable=False)


class EditConflict(Exception):
    """Someone saved the record after the form was opened; ``current`` is what is stored."""

    def __init__(self, current: models.Model):
        super().__init__(f"{type(current).__name__} {current.pk} was changed meanwhile")
        self.current = current


def claim_version(instance: models.Model, expected_version: int | None) -> None:
    """Count this save: raise EditConflict unless the stored version is still
    ``expected_version`` (None: do not check). Call inside the saving transaction,
    before writing anything else; ``instance.version`` becomes the new version, so
    ``instance.save()`` afterwards keeps it."""
    if instance.pk is None:
        if expected_version not in (None, 0):  # the form edited a record that is gone
            raise instance.DoesNotExist
        return
    manager = type(instance)._base_manager
    rows = manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        current = manager.filter(pk=instance.pk).first()
        if current is None:
            raise instance.DoesNotExist
        raise EditConflict(current)
    if expected_version is None:
        instance.version = manager.values_list("version", flat=True).get(pk=instance.pk)
    else:
        instance.version = expected_version + 1


def last_change(record: models.Model) -> tuple[object | None, object | None]:
    """(who, when) of the stored version, from its history when the model keeps one."""
    history = getattr(record, "history", None)
    if history is None:
        return None, getattr(record, "updated_at", None)
    records = history.order_by("-history_date", "-history_id")
    latest = records.filter(version=record.version).first() or records.first()
    if latest is None:
        return None, None
    return latest.history_user, latest.history_date


class VersionedForm:
    """Mixin for a form that edits one stored record: a hidden ``version`` field with the
    version the form was opened at, which the view hands to the service as
    ``expected_version``. The record is the ModelForm's instance, or ``record=``.

    A form for a record not saved yet has no version field, unless ``new_version`` is set
    (then 0 stands for "did not exist yet")."""

    new_version: int | None = None

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        record = record if record is not None else getattr(self, "instance", None)
        self.record = record
        if record is None or (record.pk is None and self.new_version is None):
            return
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            min_value=0,
            initial=record.version if record.pk is not None else self.new_version,
        )

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version") if "version" in self.fields else None
