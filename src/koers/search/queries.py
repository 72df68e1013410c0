"""The searches of Koers, each within one plan or one organisation.

Each function takes a query as typed and returns a ``Search``: ``everything`` when no
word was typed (only spaces or punctuation), else the ids that match every word that
counts (see ``koers.search.text``), read with one query (``ids``) or used as a subquery
(``within``). The scope (a plan, a snapshot, an organisation) is in the SQL itself, so a
search never returns another organisation's rows; callers pass objects they have already
checked (the member's plan, a published plan, the member's organisation).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models.expressions import RawSQL

from koers.search import database, text


@dataclass(frozen=True)
class Search:
    everything: bool = False
    sql: str = ""  # empty with ``everything`` or when no word counts (only stop words)
    params: list = field(default_factory=list)

    def ids(self) -> set[int] | None:
        """The matching ids (one query); None: everything matches."""
        if self.everything:
            return None
        if not self.sql:
            return set()
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return {row[0] for row in cursor.fetchall()}

    def within(self, queryset):
        """``queryset`` narrowed to the matching rows, in the same query."""
        if self.everything:
            return queryset
        if not self.sql:
            return queryset.none()
        if connection.vendor == "sqlite":
            # SQLite runs a MATCH inside a subquery again for the outer rows (seconds for a
            # word in every item of a large plan): read the ids once instead.
            return queryset.filter(pk__in=sorted(self.ids()))
        return queryset.filter(pk__in=RawSQL(self.sql, self.params))


def _search(query: str, parts) -> Search:
    words = text.query_words(query)
    if words is None:
        return Search(everything=True)
    if not words:
        return Search()
    sql, params = database.matching(parts, words, connection.vendor)
    return Search(sql=sql, params=params)


def plan_items(plan_id: int, query: str) -> Search:
    """Items of the plan whose code, title or description match (the app's plan tree)."""
    return _search(query, [(database.ITEMS, "id", ("plan_id", plan_id))])


def published_items(plan_id: int, snapshot_id: int | None, query: str) -> Search:
    """Items of the plan whose code, title, description or progress text published in the
    snapshot match (the portal; the caller keeps only the rows the public may see)."""
    parts = [(database.ITEMS, "id", ("plan_id", plan_id))]
    if snapshot_id is not None:
        parts.append((database.PROGRESS, "item_id", ("snapshot_id", snapshot_id)))
    return _search(query, parts)


def indicators(organisation_id: int, query: str) -> Search:
    """Indicators of the organisation whose code, name, definition or theme match (the
    cijferdatabank)."""
    return _search(query, [(database.INDICATORS, "id", ("organisation_id", organisation_id))])
