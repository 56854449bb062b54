"""SIGKILL inside the incremental path of an update export (analytics/ingest/aggregates.py: the
touched cases' fact rows deleted inside the retract's transaction, their business clock deleted,
cube cells deleted but not yet re-inserted, the clock and the search rows re-inserted): the live database stays byte for byte
as it was, and the update, run again, lands whole with derived tables equal to a full rebuild."""
from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from ingest_fixture import write_cases_csv

from analytics import db, settings
from analytics.ingest import ingest_file

# a child that runs the real ingest and, right after the named step of the incremental path,
# marks a file and waits to be killed there
CHILD = """
import sys, time
from pathlib import Path
from analytics import db
from analytics.ingest import ingest_file
export, live, step, marker = sys.argv[1:]
run_sql = db.run_sql
def run_then_wait(con, name, **params):
    result = run_sql(con, name, **params)
    if name == "ingest/" + step:
        result.fetchall()
        Path(marker).touch()
        time.sleep(120)
    return result
db.run_sql = run_then_wait
ingest_file(export, db_path=live)
"""
STEPS = ("fact_delete_touched", "clock_delete_touched", "cube_daily_delete_touched",
         "clock_insert_touched", "case_search_insert_touched")
TABLES = ("fact_case_activity", "cube_cases_daily", "cube_cases_hourly", "case_business_time",
          "case_mix_cells", "case_search", "review_case_mix")


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(path) -> dict[str, pd.DataFrame]:
    with db.reader(path) as con:
        frames = {name: con.execute(f"select * from {name}").df() for name in TABLES}
    return {name: frame.sort_values(list(frame.columns)).reset_index(drop=True)
            for name, frame in frames.items()}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    base = write_cases_csv(folder / "base.csv", 1_000, seed=1)
    rows = pd.read_csv(base, dtype=str).iloc[:100].copy()
    rows = rows[rows["created_at"] != "not a date"]
    rows["updated_at"] = "2026-01-01 00:00:00"
    rows["status"] = "closed"
    rows["abuse_category"] = rows["abuse_category"].map({"spam": "fraud"}).fillna("spam")
    new = rows.iloc[:20].assign(case_id=lambda f: "N" + f["case_id"])
    update = folder / "update.csv"
    pd.concat([rows, new]).to_csv(update, index=False)
    return base, update, rows["case_id"].nunique(), new["case_id"].nunique()


def test_sigkill_inside_the_incremental_path_leaves_the_database_as_it_was(tmp_path, exports):
    live = tmp_path / "live.duckdb"
    ingest_file(exports[0], db_path=live)
    before = sha256(live)
    for step in STEPS:
        marker = tmp_path / f"at-{step}"
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(exports[1]), str(live), step,
                                  str(marker)], cwd=settings.ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, f"the ingest never reached {step}"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stderr.close()
        assert sha256(live) == before, step
    report = ingest_file(exports[1], db_path=live)
    assert (report.rows_updated, report.rows_inserted) == exports[2:]
    assert not list(live.parent.glob("*.writing-*"))   # the next writer removed the scratch copy
    incremental = snapshot(live)
    with db.writer(live):   # derived="rebuild"
        pass
    for name, frame in snapshot(live).items():
        pd.testing.assert_frame_equal(incremental[name], frame, obj=name)
