"""The SQL engines Splink runs the model on: DuckDB in process, or Spark for very large runs.

pyspark is imported only when Spark is chosen: it is large, and starts a Java process.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Any

import pyarrow as pa

ENGINES = ("duckdb", "spark")


class EngineError(RuntimeError):
    """An engine that cannot start here (Spark without Java or pyspark)."""


def duckdb_api() -> Any:
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    # Keep intermediate results in memory; a spill directory can be set by the operator.
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


def spark_session() -> Any:
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as error:
        raise EngineError("The Spark engine needs pyspark installed (pyspark 4.3).") from error
    builder = (
        SparkSession.builder.master(os.environ.get("JOINEDUP_SPARK_MASTER", "local[*]"))
        .appName("joinedup-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", os.environ.get("JOINEDUP_SPARK_MEMORY", "4g"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM failing to start surfaces as many exception types
        raise EngineError(f"Spark could not start (is Java 17 installed?): {error}") from error
    session.sparkContext.setLogLevel("ERROR")
    # Splink's graph clustering iterates; a checkpoint directory keeps Spark's plans short.
    checkpoints = tempfile.mkdtemp(prefix="joinedup-spark-")
    atexit.register(shutil.rmtree, checkpoints, ignore_errors=True)
    session.sparkContext.setCheckpointDir(checkpoints)
    return session


def spark_api() -> Any:
    from splink import SparkAPI

    return SparkAPI(spark_session=spark_session())


def make_api(engine: str) -> Any:
    if engine == "duckdb":
        return duckdb_api()
    if engine == "spark":
        return spark_api()
    raise EngineError(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")


def register(api: Any, engine: str, table: pa.Table) -> Any:
    if engine == "spark":
        session = api.spark
        return api.register(session.createDataFrame(table), table_name="joinedup_records")
    return api.register(table, table_name="joinedup_records")
