"""The same marts on Spark (issue 19 point 5): one seeded log, built from the lake on DuckDB and on
local Spark from the same `sql/` files, gives the same rows.

- per query: every derived table the build materialises (tests below, one per table) has the same
  rows on both engines: counts exactly, floats within 1e-9 relative (sums and averages may add in
  another order), exact quantiles (kpi_weekly: quantile_cont vs Spark's percentile, the same
  linear interpolation at (n - 1) * q) within 1e-9 relative too;
- per mart: every mart the pages read gives the same rows from the Spark-built store as from the
  DuckDB-built one and from the store an ingest wrote (the sketch quantiles are computed by DuckDB
  from the same bucket counts, so they are equal, not just within the sketch's 1% bound).
One Spark session for the whole file (module fixture); slow tier (starts a JVM).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from marts_fixture import DEFAULT_PARAMS, generated_log, load_log

from analytics import db
from analytics.engines import build, lake

pytestmark = pytest.mark.slow

# marts of the ingest's own records (ingest history, rejected rows, export windows): a lake build
# has no ingests, so they differ by design (docs/scale-out.md)
NOT_FROM_THE_LAKE = {"ingest_history", "rejected_rows", "export_coverage", "data_freshness"}
RTOL = 1e-9


@pytest.fixture(scope="module")
def built(tmp_path_factory, spark_engine):
    """A seeded log as an ingest stores it, its lake, and a store built from it on each engine."""
    root = tmp_path_factory.mktemp("parity")
    ingested = root / "ingested.duckdb"
    load_log(ingested, *generated_log(np.random.default_rng(19), n_cases=700, n_reviews=500))
    lake_path = root / "lake"
    lake.export(ingested, lake_path)
    stages = {"duckdb": [], "spark": []}
    reports = {"duckdb": build.build("duckdb", lake_path, root / "duckdb.duckdb",
                                     progress=lambda *done: stages["duckdb"].append(done)),
               "spark": build.build("spark", lake_path, root / "spark.duckdb", engine=spark_engine,
                                    progress=lambda *done: stages["spark"].append(done))}
    return dict(root=root, ingested=ingested, lake=lake_path, reports=reports, stages=stages)


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order whichever engine wrote them: sorted on every column as text, floats
    to 6 significant digits (their last bits may differ)."""
    text = pd.DataFrame({c: frame[c].map(lambda v: f"{v:.6g}" if isinstance(v, float) else str(v))
                         for c in frame.columns}, index=frame.index)
    return frame.loc[text.sort_values(list(text.columns), kind="stable").index] \
        .reset_index(drop=True)


def same_rows(left: pd.DataFrame, right: pd.DataFrame, what: str) -> None:
    assert list(left.columns) == list(right.columns), what
    assert len(left) == len(right), (what, len(left), len(right))
    # a column null in every row on both sides is equal, whatever type each writer gave it
    empty = [c for c in left.columns if left[c].isna().all() and right[c].isna().all()]
    left, right = left.drop(columns=empty), right.drop(columns=empty)
    pd.testing.assert_frame_equal(ordered(left), ordered(right), check_dtype=False,
                                  check_exact=False, rtol=RTOL, obj=what)


def table_rows(built, engine: str, table: str) -> pd.DataFrame:
    folder = built["lake"] / "serving" / built["reports"][engine].build_id / table
    frame = pq.read_table(sorted(folder.rglob("*.parquet"))).to_pandas() \
        if any(folder.rglob("*.parquet")) else pd.DataFrame()
    return frame


@pytest.mark.parametrize("step", build.STEPS, ids=lambda s: s.table)
def test_each_derived_table_has_the_same_rows_on_both_engines(built, step):
    duck, spark = table_rows(built, "duckdb", step.table), table_rows(built, "spark", step.table)
    assert len(duck) > 0, step.table
    spark = spark[list(duck.columns)]
    for column in duck.columns:   # Parquet from Spark: timestamps may come back with a zone
        if pd.api.types.is_datetime64_any_dtype(spark[column]) and spark[column].dt.tz is not None:
            spark[column] = spark[column].dt.tz_localize(None)
    same_rows(duck, spark, step.table)


@pytest.mark.parametrize("name", sorted(set(DEFAULT_PARAMS) - NOT_FROM_THE_LAKE))
def test_each_mart_gives_the_same_rows_from_both_stores_and_from_the_ingested_one(built, name):
    got = {}
    for which in ("ingested", "duckdb", "spark"):
        path = built["ingested"] if which == "ingested" else built["root"] / f"{which}.duckdb"
        with db.reader(path) as con:
            got[which] = db.query_df(con, f"marts/{name}", **DEFAULT_PARAMS[name])
    assert len(got["ingested"]) > 0, name
    same_rows(got["ingested"], got["duckdb"], f"{name}: duckdb-built")
    same_rows(got["ingested"], got["spark"], f"{name}: spark-built")


def test_the_store_holds_aggregates_and_reads_cases_from_the_lake(built):
    report = built["reports"]["spark"]
    with db.reader(built["root"] / "spark.duckdb") as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'main'").fetchall())
        cases = con.execute("select count(*) from cases").fetchone()[0]
    assert kinds["cases"] == kinds["fact_case_activity"] == "VIEW"
    assert kinds["cube_cases_daily"] == kinds["kpi_sketch_running"] == "BASE TABLE"
    assert cases == 700
    aggregates = sum(n for s in build.STEPS if not s.per_case for n in [report.rows[s.table]])
    assert report.rows_to_store == aggregates > 0


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_the_report_counts_the_rows_written_and_names_each_stage_as_it_ends(built, engine):
    """Spark's counts come from the written files' footers (no count job): the same rows the
    files hold; `progress` (bench/spark_build.py's log of a long run) saw every stage in order."""
    report = built["reports"][engine]
    for step in build.STEPS:
        assert report.rows[step.table] == len(table_rows(built, engine, step.table)), step.table
    assert [stage for stage, _, _ in built["stages"][engine]] == \
        ["register", *(step.table for step in build.STEPS)]
    assert all(rows == report.rows[stage] for stage, _, rows in built["stages"][engine][1:])


def _nodes(plan):
    for node in plan if isinstance(plan, list) else [plan]:
        yield node
        yield from _nodes(node.get("children", []))


def test_a_drilldown_pushes_its_filters_into_the_lake_scan(built):
    import datetime as dt
    import json

    params = dict(DEFAULT_PARAMS["cases_drilldown"], markets=["KZ"],
                  start_date=dt.date(2025, 1, 10), end_date=dt.date(2025, 1, 20))
    with db.reader(built["root"] / "spark.duckdb") as con:
        plan = json.loads(con.execute("explain (format json) " + db.sql_text("marts/cases_drilldown"),
                                      params).fetchall()[0][1])
    filters = [json.dumps(node["extra_info"].get("Filters", "")) for node in _nodes(plan)
               if node.get("name") == "READ_PARQUET"]
    assert any("market = 'KZ'" in f and "activity_date >=" in f for f in filters), filters
