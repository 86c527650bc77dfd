"""The same model on Spark local mode. Slow (a JVM starts), so marked and skippable."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from joinedup.identity.linkage import batch

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17 (no java found)"),
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None, reason="Spark tests need pyspark installed"
    ),
]


def test_spark_links_exactly_as_duckdb_with_the_same_model(synthetic_read, linked) -> None:
    # A slice keeps the test quick: Spark's cost here is its start-up and per-query overhead.
    records = synthetic_read.table.slice(0, 1500)
    on_spark = batch.link_table(records, engine="spark", model=linked.model)
    on_duckdb = batch.link_table(records, engine="duckdb", model=linked.model)
    assert on_spark.pair_count == on_duckdb.pair_count > 0
    assert on_spark.persons["person_id"].to_pylist() == on_duckdb.persons["person_id"].to_pylist()
    spark_p = on_spark.persons["match_probability"].to_pylist()
    duckdb_p = on_duckdb.persons["match_probability"].to_pylist()
    for a, b in zip(spark_p, duckdb_p, strict=True):
        assert (a is None and b is None) or a == pytest.approx(b, abs=1e-9)
