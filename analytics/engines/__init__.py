"""Engines that run the aggregation layer (`sql/staging`, `sql/derived`) over the lake.

`python -m analytics build --engine spark|duckdb --lake PATH --db FILE` (analytics/engines/build.py)
runs the same `sql/` files on either engine: DuckDB runs them as written, Spark runs them as
SQLGlot translates them (translate.py). Each engine reads the lake's Parquet files (lake.py),
creates the staging views, materialises each derived table as Parquet files, and the build then
assembles the DuckDB file the app opens from those files. docs/scale-out.md has the whole picture.

An engine is anything with these methods (duck.DuckDBEngine, spark.SparkEngine):
    register_parquet(name, files, schema)  a table read from Parquet files (schema: pyarrow)
    register_arrow(name, table, folder)    a table handed over from Python (reference data),
                                           through Parquet in folder where the engine needs files
    view(sql_name)                         create the view a `create view` file defines
    materialise(sql_name, params, folder)  run a `create table` file's query (or a fragment's,
                                           with a name) and write its rows as Parquet into folder;
                                           later statements read the table from there
    query_arrow(sql_name, params)          run a query file and return its rows (parity tests)
    close()
"""
from __future__ import annotations

ENGINES = ("duckdb", "spark")


def open_engine(name: str, *, spark_url: str | None = None, work_dir=None, **options):
    """An engine by name: 'duckdb', or 'spark' (local mode, or Spark Connect at spark_url)."""
    if name == "duckdb":
        from analytics.engines.duck import DuckDBEngine
        return DuckDBEngine(work_dir=work_dir)
    if name == "spark":
        from analytics.engines.spark import SparkEngine
        return SparkEngine(url=spark_url, **options)
    raise ValueError(f"engine must be one of {ENGINES}, got {name!r}")
