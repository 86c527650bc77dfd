"""The database's agency records and persons as one table the linkage model reads.

Each agency record is a node, and so is each known person's own details (its anchor). Both are
normalised exactly as `joinedup link` normalises CSV files (`linkage.reading.normalise_table`),
so the batch run, the real-time matcher and the standalone command compare alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.identity.clustering import ANCHOR, RECORD, Node, node_id
from joinedup.identity.linkage.reading import normalise_table
from joinedup.identity.linkage.realtime import TF_COLUMNS, term_frequencies
from joinedup.partnership.models import Organisation
from joinedup.people.models import MatchStatus, Person, SourceRecord

DETAILS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "upn",
)
PERSON_SOURCE = "joinedup"  # the `source` of a person's own details


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def details_table(rows: Sequence[tuple[int, str, str, tuple[Any, ...]]]) -> pa.Table:
    """(node id, source, record id, DETAILS values) rows -> the normalised linkage table."""
    columns: dict[str, list[str]] = {"source": [], "record_id": []}
    columns.update({name: [] for name in DETAILS})
    for _, source, record_id, values in rows:
        columns["source"].append(source)
        columns["record_id"].append(record_id)
        for name, value in zip(DETAILS, values, strict=True):
            columns[name].append(text(value))
    raw = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    table = normalise_table(raw, Counter())
    ids = pa.array([row[0] for row in rows], pa.int64())
    return table.add_column(0, "unique_id", ids)


def record_rows(records: Iterable[Any], codes: dict[int, str]) -> list[Any]:
    """SourceRecord values rows (pk, organisation_id, agency_record_id, *DETAILS)."""
    return [
        (node_id(RECORD, pk), codes.get(org, str(org)), agency_id, tuple(rest))
        for pk, org, agency_id, *rest in records
    ]


def person_rows(persons: Iterable[Any]) -> list[Any]:
    """Person values rows (pk, reference, *DETAILS)."""
    return [
        (node_id(ANCHOR, pk), PERSON_SOURCE, reference, tuple(rest))
        for pk, reference, *rest in persons
    ]


def organisation_codes() -> dict[int, str]:
    return dict(Organisation.objects.values_list("pk", "code"))


def records_values(**filters: Any) -> Any:
    return (
        SourceRecord.objects.filter(**filters)
        .order_by("pk")
        .values_list("pk", "organisation_id", "agency_record_id", *DETAILS)
    )


def persons_values(**filters: Any) -> Any:
    return (
        Person.objects.filter(merged_into__isnull=True, **filters)
        .order_by("pk")
        .values_list("pk", "reference", *DETAILS)
    )


def record_tf(table: pa.Table) -> dict[str, dict[str, float]]:
    """Term frequencies over agency records only, so that adding anchors (a new person's own
    details) never shifts a score: a second run scores every pair exactly as the first."""
    records = table.filter(pc.equal(pc.bit_wise_and(table["unique_id"], 1), RECORD))
    return {col: term_frequencies(records, col) for col in TF_COLUMNS}


@dataclass
class LinkageInput:
    """Everything a run decides from, read in one go."""

    table: pa.Table
    nodes: list[Node]
    # record pk -> (person id, match status) as read, to skip records changed meanwhile
    snapshot: dict[int, tuple[int | None, str]]
    details: dict[int, tuple[Any, ...]]  # record pk -> DETAILS values, for new persons
    apart: dict[int, frozenset[int]] = field(default_factory=dict)
    record_count: int = 0

    @property
    def tf(self) -> dict[str, dict[str, float]]:
        return record_tf(self.table)


def read() -> LinkageInput:
    from joinedup.identity.models import MatchCandidate, PersonMerge

    codes = organisation_codes()
    records = list(
        SourceRecord.objects.order_by("pk").values_list(
            "pk", "organisation_id", "agency_record_id", "person_id", "match_status", *DETAILS
        )
    )
    persons = list(persons_values())
    active = {row[0] for row in persons}
    rejected: dict[int, set[int]] = {}
    for record_pk, person_pk in MatchCandidate.objects.filter(
        status=MatchCandidate.Status.DIFFERENT, source_record__isnull=False
    ).values_list("source_record_id", "person_id"):
        rejected.setdefault(record_pk, set()).add(person_pk)
    rows = record_rows([(r[0], r[1], r[2], *r[5:]) for r in records], codes) + person_rows(persons)
    table = details_table(rows)
    # The normalised identifiers of each node: the cannot-link rules read them.
    numbers = dict(
        zip(
            table["unique_id"].to_pylist(),
            zip(table["nhs_number"].to_pylist(), table["upn"].to_pylist(), strict=True),
            strict=True,
        )
    )
    nodes = []
    for pk, _org, _agency_id, person, status, *_ in records:
        current = person if person in active else None
        nhs, upn = numbers[node_id(RECORD, pk)]
        nodes.append(
            Node(
                node_id(RECORD, pk),
                current,
                fixed=status == MatchStatus.CONFIRMED and current is not None,
                rejected=frozenset(rejected.get(pk, ())),
                nhs_number=nhs,
                upn=upn,
            )
        )
    for pk in sorted(active):
        nhs, upn = numbers[node_id(ANCHOR, pk)]
        nodes.append(Node(node_id(ANCHOR, pk), pk, fixed=True, nhs_number=nhs, upn=upn))
    apart: dict[int, set[int]] = {}
    pairs = list(
        MatchCandidate.objects.filter(
            status=MatchCandidate.Status.DIFFERENT, duplicate__isnull=False
        ).values_list("duplicate_id", "person_id")
    ) + list(PersonMerge.objects.filter(undone_at__isnull=False).values_list("kept", "merged"))
    for a, b in pairs:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    return LinkageInput(
        table=table,
        nodes=nodes,
        snapshot={r[0]: (r[3], r[4]) for r in records},
        details={r[0]: tuple(r[5:]) for r in records},
        apart={k: frozenset(v) for k, v in apart.items()},
        record_count=len(records),
    )
