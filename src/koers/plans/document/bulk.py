"""Fast bulk writes for loading PlanDocuments.

Rows go in with plain multi-row INSERT statements, and their history records are
copied with one ``INSERT … SELECT`` per table, so that loading 10,000 items takes
seconds instead of building 100,000 model instances twice. The history rows are the
ones django-simple-history would write: the same columns, plus who, when and why.
"""

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.db import connection, models

from koers.accounts.actor import short_reason

BATCH = 500


def _chunks(rows: Sequence, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# Parameters per statement for a caller that asks for large statements: within SQLite's
# limit of 32,766 (since 3.32) and PostgreSQL's of 65,535.
MANY_PARAMETERS = 30_000


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[tuple],
    *,
    large: bool = False,
) -> None:
    """INSERT ``rows`` (values already adapted, see :func:`adapter`) into ``model``'s table.
    ``large``: as many rows per statement as :data:`MANY_PARAMETERS` allows (for hundreds
    of thousands of small rows), instead of Django's conservative batch size."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(model._meta.db_table)
    if large:
        size = max(1, MANY_PARAMETERS // len(fields))
    else:
        # As many rows per statement as the database accepts parameters (SQLite has a limit).
        size = max(1, min(BATCH, connection.ops.bulk_batch_size(list(fields), rows)))
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, size):
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


def adapter(model: type[models.Model], name: str):
    """A function that turns a Python value into what the database driver expects."""
    field = model._meta.get_field(name)
    return lambda value: field.get_db_prep_save(value, connection)


def copy_to_history(
    model: type[models.Model],
    where: str,
    params: Iterable,
    *,
    user,
    reason,
    when,
    history_type: str = "+",
) -> None:
    """Write a history record of ``history_type`` ('+' created, '~' changed) for every
    row of ``model`` matching ``where``."""
    history = model.history.model
    quote = connection.ops.quote_name
    source = {field.column for field in model._meta.concrete_fields}
    shared = [f.column for f in history._meta.concrete_fields if f.column in source]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    target = ", ".join(quote(column) for column in shared + extra)
    selected = ", ".join(quote(column) for column in shared)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
        f"SELECT {selected}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {where}"
    )
    history_date = history._meta.get_field("history_date").get_db_prep_save(when, connection)
    user_id = user.pk if user is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [history_date, short_reason(reason) or None, history_type, user_id, *params]
        )


def copy_m2m_to_history(model: type[models.Model], where: str, params: Sequence, *, when) -> None:
    """Copy the many-to-many links of the rows matching ``where`` into the link history.

    django-simple-history keeps, per tracked many-to-many field, the links as they were at
    each historical row; this fills them for the '+' rows written by :func:`copy_to_history`.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    history_date = history._meta.get_field("history_date").get_db_prep_save(when, connection)
    for field in getattr(history, "_history_m2m_fields", []):
        through = field.remote_field.through
        links = apps.get_model(model._meta.app_label, f"{history.__name__}_{field.name}")
        source = {f.column for f in through._meta.concrete_fields}
        shared = [f.column for f in links._meta.concrete_fields if f.column in source]
        own = next(
            f.column
            for f in through._meta.concrete_fields
            if f.is_relation and f.related_model is model
        )
        sql = (
            f"INSERT INTO {quote(links._meta.db_table)} "
            f"({', '.join(quote(c) for c in shared)}, {quote('history_id')}) "
            f"SELECT {', '.join('t.' + quote(c) for c in shared)}, h.{quote('history_id')} "
            f"FROM {quote(through._meta.db_table)} t "
            f"JOIN {quote(history._meta.db_table)} h ON h.{quote('id')} = t.{quote(own)} "
            f"AND h.{quote('history_date')} = %s AND h.{quote('history_type')} = '+' "
            f"WHERE t.{quote(own)} IN (SELECT {quote('id')} "
            f"FROM {quote(model._meta.db_table)} WHERE {where})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [history_date, *params])
