"""Fast bulk writes for loading PlanDocuments.

Rows go in with plain multi-row INSERT statements, and their history records are
copied with one ``INSERT … SELECT`` per table, so that loading 10,000 items takes
seconds instead of building 100,000 model instances twice. The history rows are the
ones django-simple-history would write: the same columns, plus who, when and why.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models

from koers.accounts.actor import short_reason

BATCH = 500


def _chunks(rows: Sequence, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT ``rows`` (values already adapted, see :func:`adapter`) into ``model``'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(model._meta.db_table)
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
    model: type[models.Model], where: str, params: Iterable, *, user, reason, when
) -> None:
    """Write a '+' history record for every row of ``model`` matching ``where``."""
    history = model.history.model
    quote = connection.ops.quote_name
    source = {field.column for field in model._meta.concrete_fields}
    shared = [f.column for f in history._meta.concrete_fields if f.column in source]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    target = ", ".join(quote(column) for column in shared + extra)
    selected = ", ".join(quote(column) for column in shared)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
        f"SELECT {selected}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} WHERE {where}"
    )
    history_date = history._meta.get_field("history_date").get_db_prep_save(when, connection)
    user_id = user.pk if user is not None else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [history_date, short_reason(reason) or None, user_id, *params])
