"""Small writes against a large case database: a triage verdict before and after the app-state
store (analytics/state.py, issue #18 point 3).

    python -m analytics demo --cases 1000000 --db /tmp/state_bench/c1m.duckdb
    python bench/state_writes.py --db /tmp/state_bench/c1m.duckdb [--runs 20] [--page]

before  the old path, as `save_triage` was: `db.writer(path, derived="keep")` (copy the case
        file, insert, checkpoint, fsync, rename), on a scratch copy of the database so the
        dataset's data version and stored results stay as they are.
after   `analytics.spikes.triage.save_triage` (handler start to commit), on the database itself;
        the case file's inode, mtime, size and `db.data_version` are compared before and after.
duckdb  the same verdict in a DuckDB state file beside the database (open read-write under a
        lock, insert, close): what choosing DuckDB over SQLite for the state store would cost.
--page  the Spikes page in Streamlit's AppTest: a warm run, then the run that saves a verdict
        (the handler and the rerun after it), each timed; the rerun recomputes no mart or
        detection when the data version is unchanged.
Also: `state.version()` (what the app's state caches key on, read on every page run).
"""
from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb
import pandas as pd

from analytics import db
from analytics import state as app_state
from analytics.spikes import triage

OLD_SAVE = """insert or replace into spike_triage
    (event_id, verdict, owner, note, metric, segment, start_at, updated_at)
values ($event_id, $verdict, $owner, $note, $metric, $segment, $start_at::timestamp,
        (now() at time zone 'UTC')::timestamp)"""


def event(n: int) -> dict:
    return {"event_id": f"bench-{n}", "metric": "cases", "start": "2026-03-02",
            "segment": {"market": "KZ", "abuse_category": "scam"}}


def params(n: int) -> dict:
    return {"event_id": f"bench-{n}", "verdict": "confirmed", "owner": "bench", "note": "n",
            "metric": "cases", "segment": '{"market": "KZ"}', "start_at": "2026-03-02"}


def summary(times: list[float]) -> str:
    return (f"median {statistics.median(times):.4f} s, max {max(times):.4f} s, "
            f"min {min(times):.4f} s ({len(times)} runs)")


def before(path: Path, runs: int) -> list[float]:
    scratch = path.with_name(path.stem + ".bench-old.duckdb")
    shutil.copyfile(path, scratch)
    try:
        times = []
        for n in range(runs):
            started = time.perf_counter()
            with db.writer(scratch, derived="keep") as con:
                con.execute(OLD_SAVE, params(n))
            times.append(time.perf_counter() - started)
        return times
    finally:
        scratch.unlink(missing_ok=True)
        scratch.with_name(scratch.name + ".lock").unlink(missing_ok=True)


def after(path: Path, runs: int) -> tuple[list[float], bool]:
    identity = lambda: (db.data_version(path), path.stat().st_size)
    app_state.version(path)   # the store exists (its first open migrates old records once)
    was, times = identity(), []
    for n in range(runs):
        started = time.perf_counter()
        triage.save_triage(path, event(n), verdict="confirmed", owner="bench", note="n")
        times.append(time.perf_counter() - started)
    return times, identity() == was


def duckdb_state(path: Path, runs: int) -> list[float]:
    store = path.with_name(path.stem + ".bench-state.duckdb")
    con = duckdb.connect(str(store))
    con.execute((ROOT / "sql" / "schema" / "10_spike_triage.sql").read_text())
    con.close()
    times = []
    try:
        for n in range(runs):
            started = time.perf_counter()
            with open(f"{store}.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)   # one process at a time may open it
                con = duckdb.connect(str(store))
                con.execute(OLD_SAVE, params(n))
                con.close()
            times.append(time.perf_counter() - started)
        return times
    finally:
        for leftover in (store, Path(f"{store}.wal"), Path(f"{store}.lock")):
            leftover.unlink(missing_ok=True)


def version_reads(path: Path, runs: int = 200) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        app_state.version(path)
        times.append(time.perf_counter() - started)
    return times


def page(path: Path) -> dict:
    """Spikes page in AppTest: cold, warm, and the run that saves a verdict."""
    os.environ["ESCALATION_RADAR_DB"] = str(path)
    from streamlit.testing.v1 import AppTest

    with db.reader(path) as con:
        found = triage.detect(con)[1].iloc[0]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    start = pd.Timestamp(found["start"]) - pd.Timedelta(days=90)
    at.query_params.update({"from": f"{start:%Y-%m-%d}", "to": f"{pd.Timestamp(found['end']):%Y-%m-%d}",
                            "spike": found["event_id"]})
    at.run()
    out = {}
    for label in ("cold", "warm", "warm again"):
        started = time.perf_counter()
        at.switch_page("ui/pages/spikes.py").run()
        out[label] = time.perf_counter() - started
        assert not at.exception, [e.value for e in at.exception]
    version = db.data_version(path)
    at.radio(key="triage_verdict").set_value("expected")
    at.text_input(key="triage_owner").input("bench")
    started = time.perf_counter()
    at.button[0].click().run()   # the handler, st.rerun(), and the page run after it
    out["save + rerun"] = time.perf_counter() - started
    assert not at.exception, [e.value for e in at.exception]
    out["data version unchanged"] = db.data_version(path) == version
    out["verdict shown"] = any("Current verdict: expected by bench" in c.value for c in at.caption)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--old-runs", type=int, default=5)
    parser.add_argument("--page", action="store_true")
    args = parser.parse_args(argv)
    path = args.db
    with db.reader(path) as con:
        cases = con.execute("select count(*) from cases").fetchone()[0]
    print(f"{path}: {cases:,} cases, {path.stat().st_size / 2**20:,.0f} MiB")
    print(f"before (db.writer copy-write-swap): {summary(before(path, args.old_runs))}")
    times, unchanged = after(path, args.runs)
    print(f"after (state store, SQLite WAL):    {summary(times)}; "
          f"case file and data version unchanged: {unchanged}")
    print(f"DuckDB state file instead:          {summary(duckdb_state(path, args.runs))}")
    print(f"state.version() read:               {summary(version_reads(path))}")
    if args.page:
        for label, value in page(path).items():
            print(f"Spikes page, {label}: " +
                  (f"{value:.2f} s" if isinstance(value, float) else str(value)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
