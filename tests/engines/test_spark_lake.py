"""The lake layout and the build on the DuckDB engine (issue 19 points 2-4; no JVM, quick tier):
`lake export` writes cases and reviews by month, `build --engine duckdb` makes a store whose marts
equal the ingested database's, the store is replaced atomically with a new data version, and
bad input gets a message, not a traceback. Spark's side: test_spark_parity.py (slow tier)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest
from marts_fixture import DEFAULT_PARAMS, generated_log, load_log

from analytics import db, settings
from analytics.engines import build, lake


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    path = tmp_path_factory.mktemp("lake") / "ingested.duckdb"
    load_log(path, *generated_log(np.random.default_rng(3), n_cases=300, n_reviews=200))
    return path


def rounded(frame) -> list[dict]:
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].round(9) for c in floats}).astype(str).to_dict("records")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=settings.ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_lake_export_writes_every_row_once_by_month(ingested, tmp_path):
    result = cli("lake", "export", "--db", str(ingested), "--lake", str(tmp_path / "lake"))
    assert result.returncode == 0, result.stderr
    files = lake.files(tmp_path / "lake", "cases")
    assert [f.parent.name for f in files] == ["month=2025-01", "month=2025-02"]
    ids = [i for f in files for i in pq.read_table(f, columns=["case_id"])["case_id"].to_pylist()]
    assert sorted(ids) == [f"g{i:05d}" for i in range(300)]
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in lake.files(tmp_path / "lake", "reviews")) == 200


def test_a_duckdb_build_from_the_lake_serves_the_marts_of_the_ingested_store(ingested, tmp_path):
    lake.export(ingested, tmp_path / "lake")
    store = tmp_path / "store.duckdb"
    result = cli("build", "--engine", "duckdb", "--lake", str(tmp_path / "lake"), "--db", str(store))
    assert result.returncode == 0, result.stderr
    first = db.data_version(store)
    for name in ("kpi_summary", "kpi_by_segment_week", "daily_volume", "spike_kpi_daily",
                 "vendor_period_kpis", "cases_drilldown"):
        with db.reader(ingested) as a, db.reader(store) as b:
            want = db.query_df(a, f"marts/{name}", **DEFAULT_PARAMS[name])
            got = db.query_df(b, f"marts/{name}", **DEFAULT_PARAMS[name])
        assert len(want) > 0
        assert rounded(got) == rounded(want), name
    report = build.build("duckdb", tmp_path / "lake", store)   # a rebuild replaces the file
    assert db.data_version(store) != first
    assert len(list((tmp_path / "lake" / "serving").iterdir())) == 2   # this build and the one before
    assert report.rows_to_store == sum(report.rows[s.table] for s in build.STEPS if not s.per_case)


@pytest.mark.parametrize("lake_dir, message", [
    ("missing", "no month=YYYY-MM/*.parquet files"),
    ("la[k]e", "read as a pattern"),
])
def test_a_bad_lake_gets_a_message_not_a_traceback(tmp_path, lake_dir, message):
    result = cli("build", "--engine", "duckdb", "--lake", str(tmp_path / lake_dir),
                 "--db", str(tmp_path / "store.duckdb"))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "store.duckdb").exists()
