"""Many rows written straight to a model's table, for rebuilds of derived figures.

`bulk_create` builds a model instance per row, and on PostgreSQL sends each column as an array
that psycopg quotes element by element in Python: for the tens of thousands of rows a rebuild
writes, that took longer than computing them. Here the rows go by COPY on PostgreSQL and as one
prepared statement on SQLite, each value prepared by its model field as `save()` would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (values in the order of `fields`, by field name); return how many.

    Only for derived data the caller's transaction wraps: no signals, no `save()`.
    """
    meta = model._meta
    columns: list[models.Field[Any, Any]] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from the model
        batch: list[list[Any]] = []
        for row in rows:
            batch.append(
                [f.get_db_prep_save(v, connection) for f, v in zip(columns, row, strict=True)]
            )
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
