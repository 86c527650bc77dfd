"""The access policy's hot queries, compiled by Django once for each shape and reused.

"Which may I see" is a UNION of six or seven indexed branches (sharing/visibility.py). Django
builds and compiles it in one to three milliseconds of Python, on every page, and that was
most of the policy's cost at a million people: the database answers in well under a
millisecond. The SQL text depends only on the query's shape (a front-door reader or not, an
organisation or none), so each shape is compiled once per process with marker values in place
of the reader's, and each later call puts the reader's values where the markers were.

Nothing is guessed: a shape is reused only when every marker was found, each in a parameter of
its own and of the type Django would send (dates and times as the database adapts them), and no
other parameter carries a trace of one (a marker sent again as text, say). Otherwise, and for
the lists of ids that SQLite writes out one placeholder each, the query is compiled each time,
as before. A test compares the reused SQL and parameters with a fresh compile for readers of
every shape, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

_Entry = tuple[str, tuple[tuple[int, str], ...], tuple[Any, ...]]
_shapes: dict[tuple[Any, ...], _Entry | None] = {}


def _marker(index: int, value: Any) -> Any:
    if isinstance(value, datetime):
        return datetime(1001, 1, 1, tzinfo=UTC) + timedelta(minutes=index)
    if isinstance(value, date):
        return date(1001, 1, 1) + timedelta(days=index)
    if isinstance(value, int) and not isinstance(value, bool):
        return -7_000_000_000 - index
    if isinstance(value, frozenset):  # ids for any_of
        return frozenset({-8_000_000_000 - index})
    raise TypeError(f"no marker for a {type(value).__name__}")


def _adapted(value: Any) -> Any:
    """A value as Django sends it to this database."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, frozenset):
        return sorted(value)  # any_of's one array on PostgreSQL
    return value


def _compile(build: Callable[..., QuerySet[Any]], values: dict[str, Any]) -> _Entry | None:
    named = [name for name, value in values.items() if value is not None]
    markers = {name: _marker(i, values[name]) for i, name in enumerate(named)}
    sql, params = build(**{**values, **markers}).query.sql_with_params()
    expected = {name: _adapted(marker) for name, marker in markers.items()}
    slots = []
    for position, param in enumerate(params):
        found = [n for n, e in expected.items() if type(e) is type(param) and e == param]
        if len(found) > 1:
            return None
        if found:
            slots.append((position, found[0]))
    if {name for _, name in slots} != set(named):
        return None  # a marker Django wrote otherwise (one placeholder per id, say)
    taken = {position for position, _ in slots}
    traces = {_trace(marker) for marker in markers.values()}
    for position, param in enumerate(params):
        if position not in taken and any(trace in repr(param) for trace in traces):
            return None  # a marker also sent in another form (as text, say): not reusable
    return sql, tuple(slots), tuple(params)


def _trace(marker: Any) -> str:
    """What a marker leaves in any form Django might send it in."""
    if isinstance(marker, date):  # and datetime
        return "1001"
    if isinstance(marker, frozenset):
        return str(abs(next(iter(marker))))
    return str(abs(marker))


def sql(
    shape: tuple[Any, ...], build: Callable[..., QuerySet[Any]], **values: Any
) -> tuple[str, list[Any]]:
    """`build(**values)`'s SQL and parameters. `shape` names everything but `values` that the
    query's text depends on; a value that is None is part of the shape too (IS NULL)."""
    key = (connection.vendor, *shape, *(name for name, v in values.items() if v is None))
    if key not in _shapes:
        _shapes[key] = _compile(build, values)
    entry = _shapes[key]
    if entry is None:
        found_sql, found = build(**values).query.sql_with_params()
        return found_sql, list(found)
    text, slots, params = entry
    filled = list(params)
    for position, name in slots:
        filled[position] = _adapted(values[name])
    return text, filled


def first_column(
    shape: tuple[Any, ...], build: Callable[..., QuerySet[Any]], **values: Any
) -> list[Any]:
    """The first column of every row of `build(**values)`, by its compiled SQL."""
    return read_first_column(*sql(shape, build, **values))


def read_first_column(text: str, params: list[Any]) -> list[Any]:
    """The first column of every row of this SQL."""
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return [row[0] for row in cursor.fetchall()]


class Read(NamedTuple):
    """One query for `first_columns`: `sql(shape, build, **values)`, a column of ids."""

    shape: tuple[Any, ...]
    build: Callable[..., QuerySet[Any]]
    values: dict[str, Any]

    def first_column(self) -> list[Any]:
        """This read alone."""
        return first_column(self.shape, self.build, **self.values)


def first_columns(*reads: Read) -> list[list[Any]]:
    """The first (and only) column of each read's rows, all in one round trip: each query's
    compiled SQL as a subquery tagged with its place, joined by UNION ALL."""
    parts: list[str] = []
    params: list[Any] = []
    for index, read in enumerate(reads):
        text, found = sql(read.shape, read.build, **read.values)
        # Django's compiled SQL and the part's number; every value a parameter.
        parts.append(f"SELECT {index:d} AS part, q.* FROM ({text}) q")  # noqa: S608
        params += found
    found_by_part: list[list[Any]] = [[] for _ in reads]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for part, value in cursor.fetchall():  # one column each, or this raises
                found_by_part[part].append(value)
    return found_by_part
