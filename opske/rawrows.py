"""Model instances from hand-written SQL, for the few hot paths where the ORM's query compilation
costs more than the query (the FCFS surge: `applications.selectors.submission_load_locked`).

`Columns(Model, "alias")` gives the select list of every concrete column of a model under a table
alias, and builds the instance back from a row the way the ORM does (`Model.from_db`, with each
field's `from_db_value`, e.g. JSONField's decoding). The SQL is written once per process; the
values always come from the database, so nothing here caches data.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.signals import connection_created


class Columns:
    def __init__(self, model, alias: str):
        self.model = model
        fields = list(model._meta.concrete_fields)
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(f.column)}" for f in fields)
        self.attnames = [f.attname for f in fields]
        self.width = len(fields)
        self._converters = [
            (i, f.from_db_value, f) for i, f in enumerate(fields) if hasattr(f, "from_db_value")
        ]

    def build(self, row, start: int = 0):
        """The instance held in `row[start:start + width]`, or None when its key is NULL (LEFT JOIN)."""
        values = list(row[start : start + self.width])
        pk_index = self.attnames.index(self.model._meta.pk.attname)
        if values[pk_index] is None:
            return None
        for i, convert, field in self._converters:
            values[i] = convert(values[i], field, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


# --- server-side prepared statements -------------------------------------------------------------
# Planning a wide statement (final submission's load: ~0.75 ms on PostgreSQL 15) can cost more
# than running it. A statement prepared once per database session is planned once. The names
# prepared on the current session are kept on the connection wrapper and forgotten whenever
# Django opens a new session (connection_created); PREPARE outlives a rolled-back transaction.


def _forget_prepared(sender, connection, **kwargs):
    connection._opske_prepared = set()


connection_created.connect(_forget_prepared, dispatch_uid="opske.rawrows.forget_prepared")


def execute_prepared(cursor, name: str, sql: str, params: list) -> None:
    """EXECUTE `name` (PREPAREd from `sql`, written with $1…$n, on first use in this session)."""
    prepared = getattr(connection, "_opske_prepared", None)
    if prepared is None:
        prepared = connection._opske_prepared = set()
    if name not in prepared:
        cursor.execute(f"PREPARE {name} AS {sql}")
        prepared.add(name)
    arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
    cursor.execute(f"EXECUTE {name}{arguments}", params)


def execute_hot(cursor, name: str, sql: str, params: list) -> None:
    """Run `sql` (positional `%s` placeholders): prepared as `name` on PostgreSQL, as is elsewhere."""
    if connection.vendor == "postgresql":
        execute_prepared(cursor, name, numbered(sql), params)
    else:
        cursor.execute(sql, params)


def numbered(sql: str) -> str:
    """`sql` with its positional `%s` placeholders as `$1…$n` (for PREPARE). The statements given
    here are our own and contain no literal `%`."""
    parts = sql.split("%s")
    return "".join(part + (f"${i}" if i < len(parts) else "") for i, part in enumerate(parts, start=1))
