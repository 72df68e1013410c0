"""The search's tables, indexes and queries, one backend per database vendor.

PostgreSQL: the function ``koers_search_vector(text)`` (tags and entities out, ASCII
punctuation to spaces, lower case, ``to_tsvector('dutch', …)``) and a GIN index on it per
searched table; a query is ``koers_search_vector(<columns>) @@ to_tsquery('dutch',
'word:*')`` per word, which the index answers.

SQLite: an FTS5 table per searched table holding ``text.terms`` of its row (the rowid is
the row's id), kept in sync by triggers that call the SQL function ``koers_search_terms``;
a query is ``MATCH '"term"*'`` per word.

Both are created by the migration and checked after every ``migrate`` (``install``): on
SQLite a migration that rebuilds a searched table drops its triggers, and ``install`` then
creates them again and fills the FTS5 table anew.
"""

from dataclasses import dataclass

from django.db import connection as default_connection

from koers.search import text


@dataclass(frozen=True)
class Source:
    """One searched table: its text is its ``columns`` joined by spaces."""

    table: str
    columns: tuple[str, ...]
    fts: str  # the FTS5 table (SQLite); also the name of the GIN index (PostgreSQL)

    def expression(self, prefix: str = "") -> str:
        return " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in self.columns)


ITEMS = Source("plans_planitem", ("code", "title", "description"), "search_item_fts")
PROGRESS = Source("portal_publisheditem", ("progress_text",), "search_progress_fts")
INDICATORS = Source(
    "indicators_indicator", ("code", "name", "definition", "theme"), "search_indicator_fts"
)
SOURCES = (ITEMS, PROGRESS, INDICATORS)


# -- installing -----------------------------------------------------------------------------


def register_sqlite_function(sqlite_connection) -> None:
    """``koers_search_terms(text)``: the text's terms joined by spaces (``text.terms``)."""
    sqlite_connection.create_function(
        "koers_search_terms", 1, lambda value: " ".join(text.terms(value or "")), deterministic=True
    )


def install(connection=default_connection) -> None:
    """Create what the search needs in this database, where it is missing."""
    if connection.vendor == "postgresql":
        _install_postgresql(connection)
    elif connection.vendor == "sqlite":
        _install_sqlite(connection)


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _install_postgresql(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'")
        # Lower case with ICU where PostgreSQL has it, so that 'É' becomes 'é' even in a
        # database created with the C locale; otherwise the database's own lower case.
        collate = ' COLLATE "und-x-icu"' if cursor.fetchone() else ""
        spaces = " " * len(text.PUNCTUATION)
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION koers_search_vector(value text) RETURNS tsvector
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                SELECT to_tsvector('pg_catalog.dutch'::regconfig, translate(lower(
                    regexp_replace(regexp_replace(value, '<[^>]*>', ' ', 'g'),
                                   '&[#0-9A-Za-z]+;', ' ', 'g'){collate}),
                    {_sql_literal(text.PUNCTUATION)}, {_sql_literal(spaces)}))
            $$"""
        )
        for source in SOURCES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {source.fts} ON {source.table} "
                f"USING gin (koers_search_vector({source.expression()}))"
            )


def _triggers(source: Source) -> dict[str, str]:
    terms = f"koers_search_terms({source.expression('new.')})"
    insert = f"INSERT INTO {source.fts}(rowid, body) VALUES (new.id, {terms});"
    delete = f"DELETE FROM {source.fts} WHERE rowid = old.id;"
    columns = ", ".join(source.columns)
    on = f"ON {source.table} FOR EACH ROW BEGIN"
    return {
        f"{source.fts}_insert": f"AFTER INSERT {on} {insert} END",
        f"{source.fts}_update": f"AFTER UPDATE OF {columns} {on} {delete} {insert} END",
        f"{source.fts}_delete": f"AFTER DELETE {on} {delete} END",
    }


def _install_sqlite(connection) -> None:
    connection.ensure_connection()
    register_sqlite_function(connection.connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
        for source in SOURCES:
            if source.table not in present:
                continue
            triggers = _triggers(source)
            if source.fts in present and present.issuperset(triggers):
                continue
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {source.fts} USING fts5("
                "body, tokenize = 'unicode61 remove_diacritics 0')"
            )
            for name, body in triggers.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
            cursor.execute(f"DELETE FROM {source.fts}")
            cursor.execute(
                f"INSERT INTO {source.fts}(rowid, body) SELECT id, "
                f"koers_search_terms({source.expression()}) FROM {source.table}"
            )


def uninstall(connection=default_connection) -> None:
    """Remove it again (the migration's reverse)."""
    with connection.cursor() as cursor:
        for source in SOURCES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {source.fts}")
            elif connection.vendor == "sqlite":
                for name in _triggers(source):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {source.fts}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS koers_search_vector(text)")


# -- querying -------------------------------------------------------------------------------


def _word_select(source: Source, id_column: str, scope: tuple[str, int], word: str, vendor):
    """Ids (``id_column`` of ``source.table``) of rows in ``scope`` (column, value) whose text
    matches ``word``: SQL and its parameters."""
    column, value = scope
    if vendor == "postgresql":
        sql = (
            f"SELECT {id_column} AS id FROM {source.table} WHERE {column} = %s "
            f"AND koers_search_vector({source.expression()}) @@ "
            "to_tsquery('pg_catalog.dutch'::regconfig, %s)"
        )
        return sql, [value, f"{word}:*"]
    sql = (
        # CROSS JOIN: SQLite takes the full-text matches first, then looks up their rows
        # (the other order runs the MATCH again for every row of the plan).
        f"SELECT t.{id_column} AS id FROM {source.fts} f CROSS JOIN {source.table} t "
        f"ON t.id = f.rowid WHERE f.body MATCH %s AND t.{column} = %s"
    )
    return sql, [f'"{text.term(word)}"*', value]


def matching(parts, words: list[str], vendor: str) -> tuple[str, list]:
    """One SELECT of the ids that match every word in at least one of ``parts`` (source,
    id column, scope): per word the union over the parts, then the intersection."""
    selects, params = [], []
    for number, word in enumerate(words):
        union, union_params = [], []
        for source, id_column, scope in parts:
            sql, values = _word_select(source, id_column, scope, word, vendor)
            union.append(sql)
            union_params += values
        selects.append(f"SELECT id FROM ({' UNION '.join(union)}) w{number}")
        params += union_params
    return " INTERSECT ".join(selects), params
