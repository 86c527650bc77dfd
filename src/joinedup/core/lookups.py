"""`field__any_of=[...]`: "is one of these values", with the list sent as one value.

A practitioner's work is found by the ids of their teams (a few to several hundred: a duty
manager's), read once from the access policy and then used by every list on the page. As
`__in`, each id is a placeholder of its own: at 500 ids Django prepares 500 values, and psycopg,
which caches the conversion of short statements only, parses the long statement again and quotes
each value in Python, for every query of every request (about 4 ms a query at 1M). On
PostgreSQL this lookup writes `= ANY(%s)` with the whole list as one array, so the statement is
short and the same whatever the length of the list; elsewhere it is an ordinary `IN`.

Pass the ids as a set (or frozenset): Django walks every item of a list or tuple given to a
lookup, in case one is an expression (a few calls for each of several hundred ids, for every
query); a set it leaves whole.

Registered on every field by `joinedup.sharing`'s app config (the policy reads with it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Field,
    ForeignObject,
    IntegerField,
    Lookup,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # a list: each value is prepared below, not the list as one value

    def get_prep_lookup(self) -> Any:
        if hasattr(self.rhs, "resolve_expression"):
            raise TypeError("any_of takes a list of values; use __in for a subquery")
        field = self.lhs.output_field
        if isinstance(getattr(field, "target_field", field), IntegerField):
            # Ids, hundreds at a time: an int is already what the field would make of it.
            return [
                value if type(value) is int else field.get_prep_value(value)
                for value in self.rhs
                if value is not None
            ]
        return [field.get_prep_value(value) for value in self.rhs if value is not None]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs:
            raise EmptyResultSet  # as `__in=[]`: nothing matches, no query needed
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        array_of = self.lhs.output_field.db_type(connection)
        return f"{lhs_sql} = ANY(%s::{array_of}[])", [*lhs_params, list(self.rhs)]


def register() -> None:
    # A relation keeps its own lookups rather than inheriting Field's: both are given it.
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)


def lists_if_any(
    *lists: tuple[QuerySet[Any] | None, Callable[[QuerySet[Any]], QuerySet[Any]]],
) -> list[list[Any]]:
    """For each `(qs, shown)`, the rows of `qs` as `shown` reads them (joined to what they are
    shown with), asking first, narrowly and for all the lists in one query, which have any.

    Most of a page's short lists (incidents, handovers, proposals, escalations) are empty on
    most days, and each wide query costs several times the narrow one for Django to build: one
    `SELECT EXISTS (...), EXISTS (...)` (each part Django's own SQL for `qs`) answers for all
    of them in one round trip, and only the lists with rows are read. `qs` None: nothing to
    read."""
    parts: list[str] = []
    params: list[Any] = []
    asked: list[int] = []
    for index, (qs, _) in enumerate(lists):
        if qs is None:
            continue
        try:
            sql, found = qs.order_by().values("pk")[:1].query.sql_with_params()
        except EmptyResultSet:
            continue  # an empty list of ids, say: nothing can match
        parts.append(f"EXISTS ({sql})")
        params.extend(found)
        asked.append(index)
    have: set[int] = set()
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            have = {index for index, yes in zip(asked, cursor.fetchone(), strict=True) if yes}
    return [
        list(shown(qs)) if index in have and qs is not None else []
        for index, (qs, shown) in enumerate(lists)
    ]


def with_known(rows: Iterable[Any], relation: str, known: Mapping[Any, Any], *below: str) -> None:
    """Point each row's `relation` (a foreign key) at the object a page has already read, from
    `known` by its id; any other is read in one query (with `below`, the relations under it a
    page shows, one more each), instead of joining the relation into every list."""
    others = []
    for row in rows:
        found = known.get(getattr(row, f"{relation}_id"))
        if found is None:
            others.append(row)
        else:
            setattr(row, relation, found)
    prefetch_related_objects(others, *([f"{relation}__{b}" for b in below] or [relation]))
