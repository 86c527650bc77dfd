"""Why a record is where it is: the pairs that linked it, held it back or were refused.

`joinedup link --explain SOURCE:RECORD_ID` prints, for one record, the person it was put in,
and for every scored pair touching it the match probability, each comparison's level and
weight (as Splink adds them), and what became of the pair: linked, held back by the
conflicting-names guard (or released, the data showing no twins), or refused by a cannot-link
rule, naming the rule and the two records whose conflict fired it.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from joinedup.identity.linkage.comparisons import plain_comparison, plain_level
from joinedup.identity.linkage.realtime import TF_COLUMNS, RealtimeMatcher, term_frequencies


class UnknownRecord(LookupError):
    pass


def find_row(table: pa.Table, key: str) -> int:
    """The row of `source:record_id` (or a record id that only one source uses)."""
    sources, ids = table["source"].to_pylist(), table["record_id"].to_pylist()
    source, _, record_id = key.rpartition(":")
    rows = [
        row
        for row, (s, r) in enumerate(zip(sources, ids, strict=True))
        if r == record_id and (not source or s == source)
    ]
    if len(rows) != 1:
        found = "no record" if not rows else f"{len(rows)} records (name the source)"
        raise UnknownRecord(f"--explain {key}: {found} with that id.")
    return rows[0]


def _label(table: pa.Table, row: int) -> str:
    return f"{table['source'][row].as_py()}:{table['record_id'][row].as_py()}"


def explain(result: Any, table: pa.Table, key: str) -> list[str]:
    """Lines of plain text explaining one record's outcome in a `batch.link_table` result."""
    row = find_row(table, key)
    person = result.persons["person_id"].to_pylist()
    clustering = result.clustering
    members = [r for r, p in enumerate(person) if p == person[row]]
    lines = [
        f"{_label(table, row)} is in person {person[row]} with {len(members) - 1} other "
        f"record(s){': ' if len(members) > 1 else ''}"
        + ", ".join(_label(table, r) for r in members if r != row),
        f"threshold {result.model.threshold:.4f}",
    ]
    refusals = {(r.left, r.right): r for r in clustering.refusals} if clustering else {}
    tf = {column: term_frequencies(table, column) for column in TF_COLUMNS}
    scorer = RealtimeMatcher(result.model, table, tf, index=False)
    touching = sorted((e for e in result.edges if row in (e[0], e[1])), key=lambda e: -e[2])
    if not touching:
        lines.append("No pair with this record reached the threshold: it is a person of its own.")
    for left, right, probability, held in touching:
        other = right if left == row else left
        outcome = _outcome(left, right, held, person, refusals, table)
        lines.append(f"- with {_label(table, other)}: probability {probability:.4f}; {outcome}")
        _, evidence = scorer.score(
            scorer.with_tf(scorer.rows.row(row)), scorer.with_tf(scorer.rows.row(other))
        )
        lines += [
            f"    {plain_comparison(item.comparison)}: {plain_level(item.level)} "
            f"({item.match_weight:+.2f})"
            for item in evidence
        ]
    return lines


def _outcome(
    left: int, right: int, held: bool, person: list[int], refusals: dict, table: pa.Table
) -> str:
    refusal = refusals.get((left, right))
    if refusal is not None:
        a, b = refusal.between
        return (
            f"refused by the cannot-link rule '{refusal.rule}' "
            f"(between {_label(table, a)} and {_label(table, b)})"
        )
    same = person[left] == person[right]
    if held:
        return (
            "given names clearly differ: released (each is the other's best match, no twin "
            "in sight) and linked"
            if same
            else "held back by the conflicting-names guard (a twin or sibling?)"
        )
    return "linked" if same else "not linked directly; the records are in different persons"
