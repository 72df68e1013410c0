"""Search in the database: PostgreSQL full-text search with the ``dutch`` configuration
and GIN indexes, SQLite FTS5 tables with the same Dutch stems (see ``text``)."""
