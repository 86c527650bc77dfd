"""A batch linkage run: train (or load) the model, score blocked pairs, cluster into persons."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from joinedup.identity.linkage import comparisons as cmp
from joinedup.identity.linkage import engines
from joinedup.identity.linkage.model import (
    DESIGNS,
    LinkageModel,
    model_from_linker,
    settings_creator,
    train,
)


@dataclass
class LinkResult:
    model: LinkageModel
    # One row per input record: unique_id, person_id (dense, 1..), match_probability
    # (the strongest link that put the record in its person; null for a person of one record).
    persons: pa.Table
    pair_count: int


def _linker(api: Any, engine: str, table: pa.Table, creator: Any) -> Any:
    from splink import Linker

    records = engines.register(api, engine, table)
    # Splink's warnings about rarely seen levels are for model builders, not for each run.
    return Linker(records, creator, log_level=logging.ERROR)


def link_table(
    table: pa.Table,
    *,
    engine: str = "duckdb",
    model: LinkageModel | None = None,
    threshold: float | None = None,
    design: str = "household",
    seed: int = 42,
    guard: bool = True,
) -> LinkResult:
    """Link the normalised records of `reading.read_records` into persons."""
    api = engines.make_api(engine)
    if model is None:
        linker = _linker(api, engine, table, settings_creator(DESIGNS[design]))
        train(linker, nhs_share=_share_present(table, "nhs_number"), seed=seed)
        model = model_from_linker(linker, design, threshold or LinkageModel({}).threshold)
    else:
        linker = _linker(api, engine, table, model.settings_creator())
    if threshold is not None:
        model.threshold = threshold
    predictions = linker.inference.predict(threshold_match_probability=model.threshold)
    if guard:  # switched off only to measure what the guard is worth
        predictions = _apply_guard(linker, predictions, model)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=model.threshold
    )
    persons, pairs = _persons(linker, predictions, clusters)
    return LinkResult(model=model, persons=persons, pair_count=pairs)


def _apply_guard(linker: Any, predictions: Any, model: LinkageModel) -> Any:
    """Drop the links the conflicting-names guard holds back (see comparisons.guard_sql)."""
    held_back = cmp.guard_sql(model.specs)
    sql = f"select * from {predictions.physical_name} where not {held_back}"  # noqa: S608
    return linker.misc.query_sql(sql, output_type="splink_df")


def _share_present(table: pa.Table, column: str) -> float:
    return 1 - table[column].null_count / table.num_rows if table.num_rows else 0.0


def _persons(linker: Any, predictions: Any, clusters: Any) -> tuple[pa.Table, int]:
    # Table names here are Splink's own, never user input.
    sql = f"""
    with edges as (
        select unique_id_l as unique_id, match_probability from {predictions.physical_name}
        union all
        select unique_id_r as unique_id, match_probability from {predictions.physical_name}
    ),
    strongest as (
        select unique_id, max(match_probability) as match_probability
        from edges group by unique_id
    )
    select c.unique_id, c.cluster_id, s.match_probability
    from {clusters.physical_name} c left join strongest s on s.unique_id = c.unique_id
    """  # noqa: S608
    rows = linker.misc.query_sql(sql).as_pyarrow_table().sort_by("unique_id")
    pair_count = linker.misc.query_sql(
        f"select count(*) as n from {predictions.physical_name}"  # noqa: S608
    ).as_record_list()[0]["n"]
    return _dense_person_ids(rows), int(pair_count)


def _dense_person_ids(rows: pa.Table) -> pa.Table:
    """Person ids numbered 1, 2, ... in the order their first record appears in the input."""
    numbering: dict[Any, int] = {}
    person_ids = [
        numbering.setdefault(cluster, len(numbering) + 1)
        for cluster in rows["cluster_id"].to_pylist()
    ]
    return pa.table(
        {
            "unique_id": rows["unique_id"],
            "person_id": pa.array(person_ids, pa.int64()),
            "match_probability": rows["match_probability"].cast(pa.float64()),
        }
    )
