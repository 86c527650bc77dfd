"""A batch linkage run: train (or load) the model, score blocked pairs, cluster into persons."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from joinedup.identity.linkage import coherence, engines, memory
from joinedup.identity.linkage import comparisons as cmp
from joinedup.identity.linkage.model import (
    DEFAULT_THRESHOLD,
    DESIGNS,
    THRESHOLD_FLOOR,
    LinkageModel,
    model_from_linker,
    present_shares,
    settings_creator,
    threshold_from_data,
    train,
)


@dataclass
class LinkResult:
    model: LinkageModel
    # One row per input record: unique_id, person_id (dense, 1..), match_probability
    # (the strongest link that put the record in its person; null for a person of one record).
    persons: pa.Table
    pair_count: int
    clustering: coherence.Clustering | None = None
    # Every scored pair at or above the threshold: (row, row, probability, held by the guard).
    edges: list[tuple[int, int, float, bool]] = field(default_factory=list)
    # Seconds spent in each phase (train, score, cluster): where a slow run's time went.
    seconds: dict[str, float] = field(default_factory=dict)


def _linker(api: Any, engine: str, table: pa.Table, creator: Any, *, validate: bool) -> Any:
    from splink import Linker

    records = engines.register(api, engine, table)
    # Splink's warnings about rarely seen levels are for model builders, not for each run.
    # A model's settings are checked once, when it is trained (a second check takes a second
    # or two of every run; a saved model's levels are checked against the design on loading).
    return Linker(records, creator, log_level=logging.ERROR, validate_settings=validate)


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
    choose = model is None and threshold is None
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    if model is None:
        linker = _linker(api, engine, table, settings_creator(DESIGNS[design]), validate=True)
        train(linker, nhs_share=_share_present(table, "nhs_number"), seed=seed)
        model = model_from_linker(
            linker, design, threshold or DEFAULT_THRESHOLD, present_shares(table)
        )
        # Scored with the trained model as saved, absent comparisons neutralised.
        api = engines.make_api(engine)
    linker = _linker(api, engine, table, model.settings_creator(), validate=False)
    if threshold is not None:
        model.threshold = threshold
    seconds["train"] = time.perf_counter() - started
    floor = THRESHOLD_FLOOR if choose else model.threshold
    predictions = linker.inference.predict(threshold_match_probability=floor)
    with memory.collector_paused():
        edges = _edges(linker, predictions, model, guard)
        if choose:  # a new model's threshold comes from its own estimates over these pairs
            model.threshold = threshold_from_data([edge[2] for edge in edges])
            edges = [edge for edge in edges if edge[2] >= model.threshold]
        seconds["score"] = time.perf_counter() - started - seconds["train"]
        records = coherence.Records.from_table(table)
        clustering = coherence.cluster(records, edges, model.threshold)
    persons = pa.table(
        {
            "unique_id": table["unique_id"],
            "person_id": pa.array(clustering.person, pa.int64()),
            "match_probability": pa.array(clustering.strongest, pa.float64()),
        }
    )
    seconds["cluster"] = time.perf_counter() - started - seconds["train"] - seconds["score"]
    return LinkResult(
        model=model,
        persons=persons,
        pair_count=len(edges),
        clustering=clustering,
        edges=edges,
        seconds=seconds,
    )


def _edges(
    linker: Any, predictions: Any, model: LinkageModel, guard: bool
) -> list[tuple[int, int, float, bool]]:
    """(row, row, probability, held by the conflicting-names guard) for each scored pair."""
    held = cmp.guard_sql(model.specs) if guard else "false"
    # Table names are Splink's own, never user input.
    sql = f"""
        select unique_id_l, unique_id_r, match_probability, {held} as held
        from {predictions.physical_name}
    """  # noqa: S608
    rows = linker.misc.query_sql(sql).as_pyarrow_table()
    return list(
        zip(
            rows["unique_id_l"].to_pylist(),
            rows["unique_id_r"].to_pylist(),
            rows["match_probability"].to_pylist(),
            rows["held"].to_pylist(),
            strict=True,
        )
    )


def _share_present(table: pa.Table, column: str) -> float:
    return 1 - table[column].null_count / table.num_rows if table.num_rows else 0.0


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
