"""App state apart from the case data (analytics/state.py, issue #18 point 3): a verdict, an
acknowledgement or a snapshot record is a small transaction in `<db stem>.state.sqlite`, never a
copy of the case database; several processes write it at once; a killed writer leaves it as
before or after; records older code kept in the case database are copied over once.

Real DuckDB and SQLite files, real processes."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics import db, settings
from analytics import state as app_state
from analytics.alerts import run as alerts
from analytics.ingest import watch
from analytics.snapshots import build as snapshot
from analytics.spikes import triage

EVENT = {"event_id": "ev-1", "metric": "cases", "segment": {"market": "KZ", "abuse_category": "scam"},
         "start": "2026-03-02"}


@pytest.fixture
def case_db(tmp_path) -> Path:
    """A real case database set up by this code (schema, views, reference tables)."""
    path = tmp_path / "cases.duckdb"
    with db.writer(path, derived="keep"):
        pass
    return path


def _fingerprint(path: Path) -> tuple:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_size, hashlib.sha256(path.read_bytes()).hexdigest()


def _child(code: str) -> subprocess.Popen:
    """A separate Python process running `code` in this checkout."""
    return subprocess.Popen([sys.executable, "-c", code], cwd=settings.ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(settings.ROOT)})


def test_a_triage_save_leaves_the_case_file_and_its_data_version_alone(case_db):
    data_before, file_before = db.data_version(case_db), _fingerprint(case_db)
    state_before = app_state.version(case_db)
    triage.save_triage(case_db, EVENT, verdict="confirmed", owner="aigerim", note="first")
    triage.save_triage(case_db, EVENT, verdict="expected", owner="aigerim", note="a campaign")
    assert db.data_version(case_db) == data_before   # no cached mart or detection goes stale
    assert _fingerprint(case_db) == file_before       # not copied, not touched: same bytes
    assert not list(case_db.parent.glob("*.writing-*"))
    assert app_state.version(case_db) != state_before  # what the triage cache keys on moved
    rows = triage.triage(case_db)
    assert len(rows) == 1 and rows.iloc[0][["verdict", "owner", "note"]].tolist() == \
        ["expected", "aigerim", "a campaign"]
    assert json.loads(rows.iloc[0]["segment"]) == EVENT["segment"]
    assert app_state.path_for(case_db) == case_db.with_name("cases.state.sqlite")
    with db.reader(case_db) as con:   # a connection to the case data finds the same state
        assert triage.triage(con)["verdict"].tolist() == ["expected"]


WRITER = """
import sys, time
from pathlib import Path
from analytics.alerts import run as alerts
from analytics.spikes import triage
path, name = Path(sys.argv[1]), sys.argv[2]
(path.parent / f"ready-{name}").touch()   # imports done; begin when both are
while len(list(path.parent.glob("ready-*"))) < 2:
    time.sleep(0.001)
for n in range(100):
    event = {"event_id": f"{name}-{n}", "metric": "cases", "segment": {"market": name},
             "start": "2026-03-02"}
    triage.save_triage(path, event, verdict="confirmed", owner=name, note=str(n))
    alerts.respond(path, {"segment_key": f"{name}|{n}", "alert_key": f"spike:{name}-{n}"},
                   "ack", by=name)
    if n == 0:   # go on once both have written: under load one could finish before the other starts
        (path.parent / f"first-{name}").touch()
        while len(list(path.parent.glob("first-*"))) < 2:
            time.sleep(0.001)
print("done")
"""


def test_two_processes_writing_verdicts_and_acks_at_once_both_land(case_db):
    data_before = db.data_version(case_db)
    app_state.version(case_db)   # the store exists before the race (each process would make it)
    children = [subprocess.Popen([sys.executable, "-c", WRITER, str(case_db), name],
                                 cwd=settings.ROOT, text=True, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 env=os.environ | {"PYTHONPATH": str(settings.ROOT)})
                for name in ("app", "alertjob")]
    outs = [child.communicate(timeout=180) for child in children]
    assert [child.returncode for child in children] == [0, 0], [err for _, err in outs]
    verdicts = triage.triage(case_db)
    assert len(verdicts) == 200
    assert verdicts.groupby("owner").size().to_dict() == {"alertjob": 100, "app": 100}
    with app_state.reader(case_db) as con:
        acks = con.execute("select responded_by, count(*) from alert_responses "
                           "where action = 'ack' group by 1 order by 1").fetchall()
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert acks == [("alertjob", 100), ("app", 100)]
    # the writes overlapped in time (neither process ran alone)
    times = verdicts.groupby("owner")["updated_at"].agg(["min", "max"])
    assert times.loc["app", "min"] < times.loc["alertjob", "max"]
    assert times.loc["alertjob", "min"] < times.loc["app", "max"]
    assert db.data_version(case_db) == data_before


HOLDER = """
import sys, time
from pathlib import Path
from analytics import state
from analytics.spikes import triage
path = Path(sys.argv[1])
with state.writer(path) as con:   # one transaction: 500 verdicts, then the process is killed
    for n in range(500):
        state.run_sql(con, "triage_save", event_id=f"doomed-{n}", verdict="confirmed",
                      owner="killed", note=None, metric="cases", segment="{}", start_at=None)
    print("inside", flush=True)
    time.sleep(600)
"""

LOOPER = """
import sys
from pathlib import Path
from analytics import state
path, batch = Path(sys.argv[1]), 0
print("looping", flush=True)
while True:   # batches of 20 verdicts, each batch one transaction, until killed
    with state.writer(path) as con:
        for n in range(20):
            state.run_sql(con, "triage_save", event_id=f"b{batch}-{n}", verdict="expected",
                          owner=f"b{batch}", note=None, metric="cases", segment="{}",
                          start_at=None)
    batch += 1
"""


def _killed(code: str, path: Path, after_s: float = 0.0) -> None:
    child = _child(code.replace("sys.argv[1]", repr(str(path))))
    assert child.stdout.readline().strip() in ("inside", "looping"), child.stderr.read()
    time.sleep(after_s)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_a_writer_killed_mid_transaction_leaves_the_store_as_before_or_after(case_db):
    triage.save_triage(case_db, EVENT, verdict="confirmed", owner="aigerim", note="kept")
    before = (triage.triage(case_db).drop(columns="updated_at").to_dict("records"),
              app_state.version(case_db))
    _killed(HOLDER, case_db)   # SIGKILL while its transaction is open
    assert (triage.triage(case_db).drop(columns="updated_at").to_dict("records"),
            app_state.version(case_db)) == before   # as before: none of the 500 landed
    for after_s in (0.05, 0.2, 0.5):   # SIGKILL at whatever point a loop of commits reached
        _killed(LOOPER, case_db, after_s)
        rows = triage.triage(case_db)
        batches = rows[rows["owner"].str.startswith("b", na=False)].groupby("owner").size()
        assert (batches == 20).all(), batches[batches != 20]   # each batch whole or absent
    with app_state.reader(case_db) as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    triage.save_triage(case_db, {**EVENT, "event_id": "ev-2"}, verdict="expected")  # not locked
    assert "ev-2" in set(triage.triage(case_db)["event_id"])
    assert "doomed-0" not in set(triage.triage(case_db)["event_id"])


def _old_records(path: Path) -> None:
    """Records as code before the state store wrote them: into the case database's tables."""
    with db.writer(path, derived="keep") as con:
        con.execute("insert into spike_triage values ('old-1', 'false_positive', 'dana', "
                    "'a holiday', 'cases', '{\"market\": \"UZ\"}', '2025-12-01', "
                    "'2025-12-02 09:30:00')")
        con.execute("insert into alert_items values ('spike:old-1', 'spike', 'UZ|spam', "
                    "'UZ spam up', '{}', '2025-12-01 08:00:00', 'sent', "
                    "'2025-12-01 08:00:05', 1, null)")
        con.execute("insert into alert_responses values ('UZ|spam', 'spike:old-1', 'ack', null, "
                    "'dana', '2025-12-01 10:00:00'), ('UZ|spam', null, 'snooze', "
                    "'2025-12-05 10:00:00', 'dana', '2025-12-01 10:01:00')")
        con.execute("insert into alert_sends values ('2025-12-01 08:00:05', 'hooks.example#ab', "
                    "'slack', '[\"spike:old-1\"]', 1, 200, true, null)")
        con.execute("insert into snapshots values ('abc123', 'trends', 'KZ trends', 'dana', "
                    "'2025-12-03 12:00:00', '{}', false, '2025-12-02 23:00:00', '/x/kz.html', "
                    "'f00d', '[]', null)")


def test_records_in_an_old_case_database_are_copied_once(case_db):
    _old_records(case_db)
    data_before = db.data_version(case_db)
    verdicts = triage.triage(case_db)   # first open of the state store: the copy
    assert verdicts[["event_id", "verdict", "owner", "note"]].values.tolist() == \
        [["old-1", "false_positive", "dana", "a holiday"]]
    assert verdicts.iloc[0]["updated_at"] == dt.datetime(2025, 12, 2, 9, 30)
    item = alerts.known_items(case_db).iloc[0]
    assert (item["alert_key"], item["status"], item["acknowledged_by"]) == \
        ("spike:old-1", "sent", "dana")
    assert item["snoozed_until"] == dt.datetime(2025, 12, 5, 10)
    sent = alerts.sends(case_db)
    assert sent["http_status"].tolist() == [200] and sent["ok"].tolist() == [True]
    made = snapshot.listing(case_db)
    assert made["snapshot_id"].tolist() == ["abc123"] and not made["include_examples"].iloc[0]
    assert db.data_version(case_db) == data_before   # read, never rewritten
    # once: a later row in the old table (older code still running somewhere) is not copied,
    # and nothing is copied twice, in this process or a fresh one
    with db.writer(case_db, derived="keep") as con:
        con.execute("insert into spike_triage values ('old-2', 'confirmed', null, null, "
                    "'cases', '{}', null, '2025-12-09 00:00:00')")
    app_state._READY.clear()
    assert triage.triage(case_db)["event_id"].tolist() == ["old-1"]
    child = _child(f"from analytics.spikes import triage; "
                   f"print(len(triage.triage({str(case_db)!r})))")
    assert child.communicate(timeout=60)[0].strip() == "1"


def test_a_store_with_records_of_its_own_is_not_joined_by_old_ones(case_db, tmp_path):
    """A state table that already holds records keeps them alone; the others are copied."""
    triage.save_triage(case_db, EVENT, verdict="confirmed")   # state store made, no old rows
    _old_records(case_db)
    app_state._READY.clear()
    assert triage.triage(case_db)["event_id"].tolist() == ["ev-1"]   # 'migrated' already set
    fresh = tmp_path / "fresh" / "cases.duckdb"   # the same old file, a new state store
    fresh.parent.mkdir()
    fresh.write_bytes(case_db.read_bytes())
    with sqlite3.connect(app_state._ready(fresh)) as con:
        assert con.execute("select count(*) from spike_triage").fetchone() == (1,)
        assert con.execute("select value from state_meta where key = 'migrated'").fetchone()


def test_watched_files_of_an_old_case_database_are_copied_once_into_a_migrated_store(case_db,
                                                                                    tmp_path):
    """The watcher's records moved later than the others: a store already marked 'migrated'
    (made by code before the move) still gets them, once, so a watcher restarted on new code
    does not load again the files it loaded before, nor retry one it set aside."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    header = "case_id,created_at,updated_at,status,market\n"
    (inbox / "a.csv").write_text(header + "A1,2025-03-01 10:00,,open,KZ\n", encoding="utf-8")
    (inbox / "empty.csv").write_bytes(b"")
    for path in inbox.iterdir():
        os.utime(path, (time.time() - 60, time.time() - 60))
    triage.save_triage(case_db, EVENT, verdict="confirmed")   # the store exists, migrated
    with sqlite3.connect(app_state.path_for(case_db)) as con:   # as code before the move left it
        con.execute("drop table watched_files")
        con.execute("delete from state_meta where key = 'migrated watched_files'")
    sha = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    with db.writer(case_db, derived="keep") as con:   # the old table, as older code wrote it
        con.execute("create table watched_files (path varchar, file_sha256 varchar, status varchar, "
                    "ingest_id integer, message varchar, processed_at timestamp, "
                    "primary key (path, file_sha256))")
        con.execute("insert into watched_files values (?, ?, 'ok', 7, null, '2025-12-01 08:00:00'), "
                    "(?, ?, 'failed', null, 'empty.csv: the file is empty', "
                    "'2025-12-01 08:00:01')", [str((inbox / "a.csv").resolve()), sha["a.csv"],
                                               str((inbox / "empty.csv").resolve()),
                                               sha["empty.csv"]])
    data_before = db.data_version(case_db)
    app_state._READY.clear()   # a new process: new code's first open of the store
    said = []
    assert watch.watch(inbox, db_path=case_db, once=True, say=said.append) == 0
    assert not said   # nothing loaded again, nothing set aside again
    records = app_state.read(case_db, "watched_files")
    assert records[["status", "message"]].fillna("").values.tolist() == [
        ["ok", ""], ["failed", "empty.csv: the file is empty"]]
    assert records["ingest_id"].iloc[0] == 7
    assert records["processed_at"].tolist() == [dt.datetime(2025, 12, 1, 8),
                                                dt.datetime(2025, 12, 1, 8, 0, 1)]
    assert db.data_version(case_db) == data_before
    assert triage.triage(case_db)["event_id"].tolist() == ["ev-1"]   # the others not copied again
