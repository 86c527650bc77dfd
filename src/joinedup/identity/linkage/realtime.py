"""Real-time matching of one new record against every person already known.

An in-memory index maps each blocking key (the same rules the batch run uses) to the records
holding it. A query normalises the new record, gathers the records sharing any key, and scores
each pair in Python with the model's saved match weights, the same arithmetic Splink's SQL does,
so a score here equals Splink's score for the same pair. Nothing is asked of a database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.identity.linkage import comparisons as cmp
from joinedup.identity.linkage import normalise
from joinedup.identity.linkage.model import BLOCKING_RULES, LinkageModel

KEY_SEPARATOR = "\x1f"
TF_COLUMNS = ("given_name", "family_name", "postcode")
MAX_BLOCK = 5000  # a key shared by more records than this (a placeholder value) is skipped


@dataclass(frozen=True)
class LevelWeights:
    label: str
    predicate: cmp.Predicate
    is_null: bool
    match_weight: float
    tf_column: str | None = None
    tf_log2_u_exact: float = 0.0
    tf_weight: float = 1.0
    tf_minimum_u: float = 0.0


@dataclass(frozen=True)
class Evidence:
    """One comparison's contribution: a bar of the waterfall chart."""

    comparison: str
    description: str
    level: str
    gamma: int
    match_weight: float
    tf_adjustment: float

    @property
    def bayes_factor(self) -> float:
        return 2.0**self.match_weight


@dataclass
class Candidate:
    unique_id: int
    source: str
    record_id: str
    match_weight: float
    match_probability: float
    prior_match_weight: float
    evidence: list[Evidence] = field(default_factory=list)
    # True when the conflicting-names guard means this must be reviewed, never linked outright.
    needs_review: bool = False


def probability(match_weight: float) -> float:
    # Written as Splink writes it, so the two agree to the last bit for large weights too.
    if match_weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-match_weight))
    return 2.0**match_weight / (1.0 + 2.0**match_weight)


def _level_weights(model: LinkageModel) -> list[list[LevelWeights]]:
    """Each level's match weight, read through Splink's own settings object once, at start."""
    settings = model.settings_creator().get_settings("duckdb")
    result = []
    for spec, comparison in zip(model.specs, settings.comparisons, strict=True):
        predicates = cmp.python_levels(spec)
        levels = []
        for level_spec, level, predicate in zip(
            spec.levels, comparison.comparison_levels, predicates, strict=True
        ):
            levels.append(_one_level(level_spec, level, predicate, comparison))
        result.append(levels)
    return result


def _one_level(spec: cmp.Level, level: Any, predicate: cmp.Predicate, comparison: Any) -> Any:
    if level.is_null_level:
        return LevelWeights(spec.label, predicate, True, 0.0)
    weights = LevelWeights(spec.label, predicate, False, float(level._match_weight))
    if level._has_tf_adjustments and level._tf_adjustment_weight != 0:
        u_exact = level._u_probability_corresponding_to_exact_match(comparison.comparison_levels)
        weights = LevelWeights(
            spec.label, predicate, False, float(level._match_weight),
            tf_column=spec.tf_column, tf_log2_u_exact=math.log2(u_exact),
            tf_weight=float(level._tf_adjustment_weight),
            tf_minimum_u=float(level._tf_minimum_u_value),
        )  # fmt: skip
    return weights


# Below this many records holding a value, a share is no estimate of how common the value is
# (in three records every surname is "common"): no term-frequency adjustment is made, and the
# exact-match weights are the model's own.
MIN_TF_RECORDS = 200


def term_frequencies(table: pa.Table, column: str) -> dict[str, float]:
    """Share of records (with a value) holding each value, as Splink computes it; empty when
    too few records hold a value to estimate it (see MIN_TF_RECORDS)."""
    counts = pc.value_counts(table[column].drop_null()).to_pylist()
    total = sum(item["counts"] for item in counts)
    if total < MIN_TF_RECORDS:
        return {}
    return {item["values"]: item["counts"] / total for item in counts}


def _block_keys(table: pa.Table, rule: tuple[str, ...]) -> pa.ChunkedArray | pa.Array:
    if len(rule) == 1:
        return table[rule[0]]
    columns = [table[name] for name in rule]
    return pc.binary_join_element_wise(*columns, KEY_SEPARATOR, null_handling="emit_null")


def _index_rule(keys: pa.Array | pa.ChunkedArray) -> dict[str, list[int]]:
    grouped = (
        pa.table({"key": keys, "row": pa.array(range(len(keys)), pa.int64())})
        .filter(pc.is_valid(pc.field("key")))
        .group_by("key")
        .aggregate([("row", "list")])
    )
    return dict(zip(grouped["key"].to_pylist(), grouped["row_list"].to_pylist(), strict=True))


# Columns computed from another column: rebuilt per candidate instead of stored per record.
DERIVED_LISTS = {
    "given_name_groups": ("given_name", normalise.given_name_groups),
    "family_name_parts": ("family_name", normalise.family_name_parts),
}


class RowStore:
    """The indexed records as Python lists sharing one string object per distinct value.

    Reading a candidate is then a few list look-ups; taking rows from the Arrow table instead
    cost milliseconds a query at a million records.
    """

    def __init__(self, records: pa.Table) -> None:
        self.columns = {
            name: _shared_values(records[name])
            for name in records.column_names
            if name not in DERIVED_LISTS
        }

    def extend(self, records: pa.Table) -> None:
        for name, values in self.columns.items():
            values.extend(records[name].to_pylist())

    def row(self, index: int) -> dict[str, Any]:
        row = {name: values[index] for name, values in self.columns.items()}
        for name, (source, derive) in DERIVED_LISTS.items():
            row[name] = derive(row[source])
        return row


def _shared_values(column: pa.ChunkedArray) -> list[Any]:
    encoded = pc.dictionary_encode(column).combine_chunks()
    values = encoded.dictionary.to_pylist()
    return [None if i is None else values[i] for i in encoded.indices.to_pylist()]


class RealtimeMatcher:
    """Scores a new record against an index of known records, in microseconds per candidate."""

    def __init__(
        self,
        model: LinkageModel,
        records: pa.Table,
        tf: dict[str, dict[str, float]] | None = None,
        *,
        index: bool = True,
    ) -> None:
        """`tf`: term frequencies per name column when they should come from other records
        than those indexed (a batch run that must score exactly as it did before).
        `index=False`: only `score` pairs of these records, never `match` a new one."""
        self.model = model
        self.records = records
        self.rows = RowStore(records)
        self.levels = _level_weights(model)
        self.prior_match_weight = math.log2(model.prior / (1 - model.prior))
        self.tf = tf or {col: term_frequencies(records, col) for col in TF_COLUMNS}
        self.index = (
            [(rule, _index_rule(_block_keys(records, rule))) for rule in BLOCKING_RULES]
            if index
            else []
        )

    def extend(self, records: pa.Table) -> None:
        """Index more records (same columns); term frequencies stay as they were."""
        offset = self.records.num_rows
        self.records = pa.concat_tables([self.records, records.select(self.records.column_names)])
        self.rows.extend(records)
        for rule, index in self.index:
            for key, rows in _index_rule(_block_keys(records, rule)).items():
                index.setdefault(key, []).extend(row + offset for row in rows)

    def candidate_rows(self, record: Mapping[str, Any]) -> list[int]:
        rows: set[int] = set()
        for rule, index in self.index:
            values = [record.get(col) for col in rule]
            if any(value is None for value in values):
                continue
            block = index.get(KEY_SEPARATOR.join(str(v) for v in values), ())
            if len(block) <= MAX_BLOCK:
                rows.update(block)
        return sorted(rows)

    def with_tf(self, record: dict[str, Any]) -> dict[str, Any]:
        for col, table in self.tf.items():
            record[f"tf_{col}"] = table.get(record[col]) if record.get(col) else None
        return record

    def score(
        self, left: Mapping[str, Any], right: Mapping[str, Any]
    ) -> tuple[float, list[Evidence]]:
        """The match weight of one pair and the evidence of each comparison, as Splink adds it."""
        total = self.prior_match_weight
        evidence = []
        for spec, levels in zip(self.model.specs, self.levels, strict=True):
            non_null = [lv for lv in levels if not lv.is_null]
            for level in levels:
                if level.predicate(left, right):  # type: ignore[arg-type]
                    break
            tf_adj = self._tf_adjustment(level, left, right)
            weight = level.match_weight + tf_adj
            gamma = -1 if level.is_null else len(non_null) - 1 - non_null.index(level)
            evidence.append(
                Evidence(spec.name, spec.description, level.label, gamma, weight, tf_adj)
            )
            total += weight
        return total, evidence

    @staticmethod
    def _tf_adjustment(
        level: LevelWeights, left: Mapping[str, Any], right: Mapping[str, Any]
    ) -> float:
        if level.tf_column is None:
            return 0.0
        tf_l, tf_r = left.get(f"tf_{level.tf_column}"), right.get(f"tf_{level.tf_column}")
        if tf_l is None and tf_r is None:
            return 0.0
        # Splink: greatest(coalesce(l, r), coalesce(r, l), minimum u).
        # One of the two is present (checked above), so each coalesce gives a number.
        tf_u = max(float(tf_l if tf_l is not None else tf_r),  # type: ignore[arg-type]
                   float(tf_r if tf_r is not None else tf_l),  # type: ignore[arg-type]
                   level.tf_minimum_u)  # fmt: skip
        return level.tf_weight * (level.tf_log2_u_exact - math.log2(tf_u))

    def match(
        self, raw: Mapping[str, str | None], *, limit: int = 10, min_probability: float = 0.0
    ) -> list[Candidate]:
        """Candidates for one new record (raw CSV-style fields), best first."""
        query = self.with_tf(normalise.normalise_record(dict(raw)))
        rows = self.candidate_rows(query)
        if not rows:
            return []
        found = []
        for index in rows:
            candidate = self._candidate(query, self.with_tf(self.rows.row(index)))
            if candidate.match_probability >= min_probability:
                found.append(candidate)
        found.sort(key=lambda c: c.match_weight, reverse=True)
        return found[:limit]

    def _candidate(self, query: dict[str, Any], row: dict[str, Any]) -> Candidate:
        weight, evidence = self.score(query, row)
        levels = {item.comparison: item.level for item in evidence}
        return Candidate(
            unique_id=row["unique_id"], source=row["source"], record_id=row["record_id"],
            match_weight=weight, match_probability=probability(weight),
            prior_match_weight=self.prior_match_weight, evidence=evidence,
            needs_review=cmp.guard_holds_back(self.model.specs, levels),
        )  # fmt: skip


def block_sizes(matcher: RealtimeMatcher) -> Counter[str]:
    """How many keys each blocking rule holds: a quick check the index is what was expected."""
    return Counter({"+".join(rule): len(index) for rule, index in matcher.index})
