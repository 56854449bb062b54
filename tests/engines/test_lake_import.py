"""An org's own Parquet table through a mapping into the lake, validated on Spark (issue 19
point 2; analytics/ingest/lake_import.py; the table: tests/org_table.py): the same cases and
the same rejected rows (row, column, value, reason) as `python -m analytics ingest` of the same file with the same mapping gives on DuckDB; rows read =
kept + superseded + quarantined; and `build` puts the import's run and rejected rows into the
store the Data page reads. Slow tier (starts a JVM)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
from marts_fixture import DEFAULT_PARAMS
from org_table import MAPPING, org_table

from analytics import db, settings
from analytics.engines import build, lake
from analytics.ingest import lake_import
from analytics.ingest.pipeline import ingest_file

pytestmark = pytest.mark.slow


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=cwd or settings.ROOT,
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "PYTHONPATH": str(settings.ROOT)})


@pytest.fixture(scope="module")
def both(tmp_path_factory, spark_engine):
    root = tmp_path_factory.mktemp("import")
    source = root / "org_cases.parquet"
    pq.write_table(org_table(), source, row_group_size=16)   # several row groups: row ids across them
    mapping = root / "org.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    ingested = root / "ingested.duckdb"
    ingest = ingest_file(source, mapping=mapping, db_path=ingested)
    report = lake_import.import_table([source], root / "lake", mapping=mapping, engine=spark_engine)
    return dict(root=root, source=source, ingested=ingested, ingest=ingest, report=report)


CASE_COLUMNS = ["case_id", "created_at", "updated_at", "first_response_at", "resolved_at",
                "sla_due_at", "first_response_due_at", "status", "market", "language",
                "abuse_category", "source", "priority", "queue", "vendor", "outcome",
                "is_appealed", "appeal_outcome", "summary", "surface", "reopen_count",
                "is_sla_met", "created_date", "resolved_date"]


def _rows(frame: pd.DataFrame, columns: list[str], key: list[str]) -> list[dict]:
    frame = frame[columns].astype(object).where(frame[columns].notna(), None)
    return frame.sort_values(key).astype(str).to_dict("records")


def test_the_import_keeps_the_cases_the_ingest_stores(both):
    with db.reader(both["ingested"]) as con:
        want = con.sql("select * from cases").df()
    got = pq.ParquetDataset([str(f) for f in lake.files(both["root"] / "lake", "cases")]).read().to_pandas()
    for frame in (want, got):
        for column in ("created_date", "resolved_date"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
    assert len(want) == 40 and set(want["case_id"]) == {f"T{i:03d}" for i in range(40)}
    assert _rows(got, CASE_COLUMNS, ["case_id"]) == _rows(want, CASE_COLUMNS, ["case_id"])
    # the date alone is its market's midnight: KZ's own zone, the mapping's Asia/Almaty for labels
    t000 = want.set_index("case_id").loc["T000"]
    assert str(t000["created_at"]) == "2025-02-28 19:00:00" and str(t000["created_date"]) == "2025-03-01"


def test_the_import_quarantines_the_rows_the_ingest_rejects_with_the_same_reasons(both):
    with db.reader(both["ingested"]) as con:
        want = con.sql("select * from rejected_rows").df()
    got = pq.read_table(lake.quarantined(both["root"] / "lake")).to_pandas()
    columns = ["file_name", "row_number", "column_name", "value", "reason"]
    assert _rows(got, columns, ["row_number", "column_name"]) == \
        _rows(want, columns, ["row_number", "column_name"])
    assert set(got["row_number"]) == set(range(41, 51))   # the ten planted rows, by row in the file
    reasons = " | ".join(got["reason"])
    for text in ("column 'Ticket': missing required value",
                 "column 'Opened': cannot parse '31/02/2025 10:00' as a timestamp",
                 "'2031-01-01 00:00' is in the future", "'1985-05-01 10:00' is before 1990",
                 "column 'Closed': '2025-01-01 00:00:00' is before created_at",
                 "column 'State': value '-100' is not one of",
                 "column 'Reopens': cannot read 'x' as a whole number",
                 "column 'SLA ok': cannot read 'maybe' as true/false"):
        assert text in reasons
    assert all(json.loads(r)["Ticket"] is not None for r in got["raw_record"])   # the row as read


def test_read_equals_kept_plus_superseded_plus_quarantined(both):
    report, ingest = both["report"], both["ingest"]
    assert (report.rows_read, report.rows_kept, report.rows_superseded, report.rows_rejected) == \
        (52, 40, 2, 10)
    assert report.rows_read == ingest.rows_read and report.rows_rejected == ingest.rows_rejected
    assert report.rows_superseded == ingest.rows_superseded
    assert any("10 rows quarantined" in m for m in report.messages)


def test_a_build_shows_the_import_and_its_rejected_rows_in_the_store(both, tmp_path):
    store = tmp_path / "store.duckdb"
    build.build("duckdb", both["root"] / "lake", store)
    with db.reader(store) as con:
        ingests = db.query_df(con, "marts/ingest_history")
        rejected = db.query_df(con, "marts/rejected_rows", ingest_id=None, limit=None)
        cases = con.execute("select count(*) from cases").fetchall()[0][0]
    assert cases == 40
    assert ingests["rows_read"].tolist() == [52] and ingests["rows_rejected"].tolist() == [10]
    assert len(rejected) == len(pq.read_table(lake.quarantined(both["root"] / "lake")))




def test_one_command_imports_and_builds_the_store(both, tmp_path):
    """`lake import --source ORG --mapping M --lake L --db D`: the import and the build in one run."""
    lake_path, store = tmp_path / "lake", tmp_path / "store.duckdb"
    result = cli("lake", "import", "--source", str(both["source"]), "--mapping",
                 str(both["root"] / "org.toml"), "--lake", str(lake_path), "--db", str(store))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "52 rows read = 40 kept + 2 superseded + 10 quarantined" in result.stdout
    with db.reader(store) as con, db.reader(both["ingested"]) as ingested:
        assert db.query_df(con, "marts/kpi_summary", **DEFAULT_PARAMS["kpi_summary"]).astype(str) \
            .to_dict("records") == db.query_df(ingested, "marts/kpi_summary",
                                               **DEFAULT_PARAMS["kpi_summary"]).astype(str).to_dict("records")
        rejected = con.execute("select count(*) from rejected_rows").fetchall()[0][0]
        assert rejected == ingested.execute("select count(*) from rejected_rows").fetchall()[0][0]


@pytest.mark.parametrize("args, message", [
    (["--source", "missing.parquet"], "no such file or folder"),
    (["--source", "org.parquet", "--mapping", "zoned.toml"], "time_zone = 'Asia/Almaty'"),
    (["--source", "org.parquet", "--mapping", "broken.toml"], "mapping broken.toml"),
    (["--source", "org.parquet", "--mapping", "no_id.toml"], "required column 'case_id' not found"),
])
def test_bad_input_gets_a_message_before_spark_starts(tmp_path, args, message):
    pq.write_table(org_table(), tmp_path / "org.parquet")
    (tmp_path / "zoned.toml").write_text(MAPPING.replace('kind = "cases"',
                                                         'kind = "cases"\ntime_zone = "Asia/Almaty"'))
    (tmp_path / "broken.toml").write_text("kind = [")
    (tmp_path / "no_id.toml").write_text(MAPPING.replace('case_id = "Ticket"', 'case_id = "Id"'))
    for command in (["lake", "import"], ["lake", "import", "--db", "store.duckdb"]):
        result = cli(*command, "--lake", "lake", *args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "store.duckdb").exists() and not (tmp_path / "lake").exists()


def test_an_import_that_rejects_every_row_still_builds_a_store_showing_them(tmp_path, spark_engine):
    """Status read from the topic column: no row has a status of the contract."""
    source, mapping = tmp_path / "org.parquet", tmp_path / "m.toml"
    pq.write_table(org_table(), source)
    mapping.write_text(MAPPING.replace('status = "State"', 'status = "Topic"'))
    ingest = ingest_file(source, mapping=mapping, db_path=tmp_path / "ingested.duckdb")
    report = lake_import.import_table([source], tmp_path / "lake", mapping=mapping, engine=spark_engine)
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (52, 0, 52) == \
        (ingest.rows_read, ingest.rows_inserted, ingest.rows_rejected)
    store = tmp_path / "store.duckdb"
    build.build("duckdb", tmp_path / "lake", store)
    with db.reader(store) as con, db.reader(tmp_path / "ingested.duckdb") as ingested:
        assert con.execute("select count(*) from cases").fetchall()[0][0] == 0
        assert con.execute("select count(*) from rejected_rows").fetchall()[0][0] == \
            ingested.execute("select count(*) from rejected_rows").fetchall()[0][0]


def test_the_data_page_shows_the_import_and_its_rejected_rows(both, tmp_path, monkeypatch):
    """The app (AppTest) on a store built from the imported lake: the Data page lists the import
    in its history and its rejected rows with the ingest's reasons."""
    from app_fixture import APP, FIRST_RUN_S, RUN_S
    from streamlit.testing.v1 import AppTest

    store = tmp_path / "store.duckdb"
    build.build("duckdb", both["root"] / "lake", store)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(store))
    at = AppTest.from_file(APP, default_timeout=RUN_S)
    at.run(timeout=FIRST_RUN_S)
    at.switch_page("ui/pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    history = next(d.value for d in at.dataframe if "org_cases.parquet" in d.value.to_string())
    assert len(history) == 1
    shown = next(d.value for d in at.dataframe if d.value.shape[0] > 1 and any(
        "missing required value" in str(v) for v in d.value.to_numpy().ravel()))
    with db.reader(both["ingested"]) as con:
        reasons = sorted(r for (r,) in con.execute("select reason from rejected_rows").fetchall())
    assert sorted(str(r) for r in shown["reason"]) == reasons
