"""Unattended operation: `ingest --watch DIR` loads each export once, even after a restart or a
kill at any point, keeping its records in the dataset's app-state store (never a write of the
case file of its own), beside the app writing there too; and `purge --before DATE` removes old
cases, events, reviews and quarantined records, leaving an entry in the ingest log."""
from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from analytics import db, settings, state
from analytics.__main__ import main as cli
from analytics.ingest import watch as watch_mod
from analytics.spikes import triage

HEADER = "case_id,created_at,updated_at,status,market\n"


def write(folder, name: str, rows: list[str], age_s: float = 60) -> None:
    path = folder / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    past = time.time() - age_s
    os.utime(path, (past, past))


def table(db_path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_watch_loads_each_file_once_across_restarts(tmp_path, capsys):
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    write(inbox, "a.csv", ["A1,2025-03-01 10:00,,open,KZ", "A2,2025-03-01 11:00,,open,KZ"])
    write(inbox, "broken.csv", ["B1,not a date"], age_s=50)
    write(inbox, "late.csv.part", ["P1,2025-03-01 10:00,,open,KZ"])       # still downloading
    write(inbox, "fresh.csv", ["F1,2025-03-01 10:00,,open,KZ"], age_s=0)  # still being written
    args = ["ingest", "--watch", str(inbox), "--once", "--db", str(db_path)]
    assert cli(args) == 0
    assert "watch: 2 file(s) loaded" in capsys.readouterr().out
    (inbox / "empty.csv").write_bytes(b"")
    os.utime(inbox / "empty.csv", (time.time() - 60, time.time() - 60))
    write(inbox, "fresh.csv", ["F1,2025-03-01 10:00,,open,KZ"])
    assert cli(args) == 0   # a restart: a.csv and broken.csv are not loaded again
    out = capsys.readouterr().out
    assert "watch: 1 file(s) loaded" in out and "error: empty.csv: the file is empty" in out
    assert cli(args) == 0 and "watch: 0 file(s) loaded" in capsys.readouterr().out
    assert table(db_path, "select count(*), count(distinct ingest_id) from ingests") == [(3, 3)]
    assert table(db_path, "select case_id from cases order by 1") == [("A1",), ("A2",), ("F1",)]
    assert watched(db_path) == [("a.csv", "ok"), ("broken.csv", "ok"), ("empty.csv", "failed"),
                                ("fresh.csv", "ok")]


def watched(db_path) -> list[tuple]:
    """The watcher's records (the dataset's app-state store), by file name."""
    rows = state.read(db_path, "watched_files")
    return sorted((Path(p).name, s) for p, s in zip(rows["path"], rows["status"]))


def test_a_file_set_aside_leaves_the_case_file_and_its_data_version_alone(tmp_path):
    """#18 point 3: the record of a file the watcher could not load went through db.writer, a
    copy of the whole case file that changed the data version every cached mart is keyed on."""
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    write(inbox, "a.csv", ["A1,2025-03-01 10:00,,open,KZ"])
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=lambda m: None) == 1
    data_before = db.data_version(db_path)
    bytes_before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    (inbox / "empty.csv").write_bytes(b"")
    os.utime(inbox / "empty.csv", (time.time() - 60, time.time() - 60))
    said = []
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=said.append) == 0
    assert "error: empty.csv: the file is empty" in said
    assert db.data_version(db_path) == data_before   # no cache of case data goes stale
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == bytes_before
    assert watched(db_path) == [("a.csv", "ok"), ("empty.csv", "failed")]
    assert table(db_path, "select count(*) from duckdb_tables() "
                          "where table_name = 'watched_files'") == [(0,)]


# A watcher in its own process, killed (SIGKILL, as `kill -9` or the OOM killer) at one point of
# handling a file: `at` is the status whose record it was about to write, `when` before or after.
KILLED_WATCHER = """
import os, signal, sys
from pathlib import Path
from analytics import startup
startup.configure()
from analytics.ingest import watch
inbox, db_path, at, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
record = watch._record

def killed(db_path, path, sha256, status, *rest):
    if status == at and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    record(db_path, path, sha256, status, *rest)
    if status == at and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)

watch._record = killed
watch.watch(inbox, db_path=db_path, once=True, settle_s=0)
"""


@pytest.mark.parametrize("at, when", [("loading", "before"), ("loading", "after"),
                                      ("ok", "before"), ("ok", "after")])
def test_a_watcher_killed_at_any_point_of_a_file_loads_it_once_after_a_restart(tmp_path, at, when):
    """The record (app-state store) and the ingest (case file) are two commits: a kill between
    them must neither skip the file nor load it twice on the next scan."""
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    write(inbox, "a.csv", ["A1,2025-03-01 10:00,,open,KZ", "A2,2025-03-01 11:00,,open,KZ"])
    child = subprocess.run([sys.executable, "-c", KILLED_WATCHER, str(inbox), str(db_path), at,
                            when], cwd=settings.ROOT, capture_output=True, text=True, timeout=300,
                           check=False, env=os.environ | {"PYTHONPATH": str(settings.ROOT)})
    assert child.returncode == -signal.SIGKILL, child.stderr
    committed = at == "ok"   # the kill came after the case file's commit
    assert db_path.exists() == committed
    said = []
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=said.append) == (not committed)
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=said.append) == 0
    assert table(db_path, "select count(*) from ingests") == [(1,)]   # loaded once
    assert table(db_path, "select case_id from cases order by 1") == [("A1",), ("A2",)]
    records = state.read(db_path, "watched_files")
    assert records[["status", "ingest_id"]].values.tolist() == [["ok", 1]]


# The app or the alert job: triage verdicts into the same state store, one every ~10 ms from
# before the watcher starts until it has finished (the test then makes the file `stop`).
APP_WRITER = """
import sys, time
from pathlib import Path
from analytics.spikes import triage
path, n = Path(sys.argv[1]), 0
while not (path.parent / "stop").exists():
    triage.save_triage(path, {"event_id": f"ev-{n}", "metric": "cases",
                              "segment": {"market": "KZ"}, "start": "2026-03-02"},
                       verdict="confirmed", owner="app", note=str(n))
    n += 1
    if n == 1:
        print("writing", flush=True)
    time.sleep(0.01)
print(n)
"""

WATCHER = """
import sys
from pathlib import Path
from analytics import startup
startup.configure()
from analytics.ingest import watch
print(watch.watch(Path(sys.argv[1]), db_path=Path(sys.argv[2]), once=True, settle_s=0,
                  say=lambda m: None))
"""


def _process(code: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=settings.ROOT,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(settings.ROOT)})


def test_the_watcher_and_the_app_write_the_state_store_at_once(tmp_path):
    """Two writing processes: the watcher setting aside 40 unreadable files and loading 2 while
    the app saves verdicts; every record of both lands, and the case file is written only by
    the two ingests."""
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    for n in range(40):
        (inbox / f"bad-{n:02d}.csv").write_bytes(b"")
    write(inbox, "a.csv", ["A1,2025-03-01 10:00,,open,KZ"])
    write(inbox, "b.csv", ["B1,2025-03-01 10:00,,open,KZ"])
    app = _process(APP_WRITER, db_path)
    assert app.stdout.readline().strip() == "writing", app.stderr.read()
    watcher = _process(WATCHER, inbox, db_path)
    out, err = watcher.communicate(timeout=300)
    (tmp_path / "stop").touch()
    written, app_err = app.communicate(timeout=60)
    assert (watcher.returncode, app.returncode) == (0, 0), (err, app_err)
    assert out.strip() == "2"
    records = state.read(db_path, "watched_files")
    assert records["status"].value_counts().to_dict() == {"failed": 40, "ok": 2}
    verdicts = triage.triage(db_path)
    assert len(verdicts) == int(written) > 1 and set(verdicts["owner"]) == {"app"}
    # every record of the watcher was written while the app was writing too
    assert records["processed_at"].min() > verdicts["updated_at"].min()
    assert records["processed_at"].max() < verdicts["updated_at"].max()
    with state.reader(db_path) as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert table(db_path, "select count(*) from ingests") == [(2,)]


def _killed_after_a_load(args: list[str], delay_s: float) -> bool:
    """Start `python -m analytics ingest --watch`, wait until it has loaded a file, let it go on
    for `delay_s`, SIGKILL it; False when it loaded nothing within 120 s (nothing was left)."""
    child = subprocess.Popen(args, cwd=settings.ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True,
                             env=os.environ | {"PYTHONPATH": str(settings.ROOT)})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()
    deadline, loaded = time.monotonic() + 120, False
    while not loaded and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            loaded = "(cases, ingest " in lines.get(timeout=1)
    if loaded:
        time.sleep(delay_s)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    return loaded


@pytest.mark.slow
def test_a_watcher_killed_at_random_times_loads_every_file_exactly_once(tmp_path):
    """`--watch` over a folder of 8 exports, SIGKILLed each time a seeded random 0-1.5 s after it
    loaded a file (so inside the next file's hashing, ingest copy-write-swap, records or the
    precompute), restarted until a watcher finds nothing left: every file's content is in
    `ingests` exactly once and recorded ok."""
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    for n in range(8):
        write(inbox, f"f{n}.csv", [f"F{n}-{k},2025-03-0{1 + k % 9} 10:00,,open,KZ"
                                   for k in range(200)], age_s=60 - n)
    args = [sys.executable, "-m", "analytics", "ingest", "--watch", str(inbox), "--interval",
            "0.2", "--db", str(db_path)]
    rng, kills = random.Random(18), 0

    def left() -> int:
        return 8 - int((state.read(db_path, "watched_files")["status"] == "ok").sum())

    while kills < 12 and left() and _killed_after_a_load(args, rng.uniform(0.0, 1.5)):
        kills += 1
    assert kills >= 4, kills   # about one kill per file (fewer: a kill came after the last load)
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=lambda m: None) == 0
    shas = {hashlib.sha256((inbox / f"f{n}.csv").read_bytes()).hexdigest() for n in range(8)}
    loads = table(db_path, "select file_sha256, count(*) from ingests group by 1")
    assert dict(loads) == dict.fromkeys(shas, 1)   # each file once: none skipped, none twice
    assert table(db_path, "select count(*) from cases") == [(1600,)]
    assert sorted(state.read(db_path, "watched_files")["status"]) == ["ok"] * 8


def test_a_changed_file_is_loaded_again(tmp_path):
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    write(inbox, "a.csv", ["A1,2025-03-01 10:00,2025-03-01 10:00,open,KZ"])
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=lambda m: None) == 1
    write(inbox, "a.csv", ["A1,2025-03-01 10:00,2025-03-02 10:00,resolved,KZ"])
    assert watch_mod.watch(inbox, db_path=db_path, once=True, say=lambda m: None) == 1
    assert table(db_path, "select status from cases") == [("resolved",)]


def test_purge_removes_old_data_and_logs_it(tmp_path, capsys):
    inbox, db_path = tmp_path / "inbox", tmp_path / "p.duckdb"
    inbox.mkdir()
    write(inbox, "cases.csv", ["OLD1,2024-12-31 10:00,,open,KZ", "OLD2,2024-06-01 10:00,,open,GB",
                               "NEW1,2025-01-01 10:00,,open,KZ", "BAD,oops,,open,KZ"])
    reviews = inbox / "reviews.csv"
    reviews.write_text("review_id,case_id,vendor,decided_at\nR1,OLD1,V,2025-02-01 10:00\n"
                       "R2,NEW1,V,2024-12-01 10:00\nR3,NEW1,V,2025-02-01 10:00\n", encoding="utf-8")
    os.utime(reviews, (time.time() - 60, time.time() - 60))
    watch_mod.watch(inbox, db_path=db_path, once=True, say=lambda m: None)
    assert cli(["purge", "--before", "2025-01-01", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out.startswith(
        "2 case_events, 2 reviews, 2 cases, 0 rejected_rows removed (logged as ingest 3)")
    assert table(db_path, "select case_id from cases") == [("NEW1",)]
    assert table(db_path, "select case_id from case_events") == [("NEW1",)]
    assert table(db_path, "select review_id from reviews") == [("R3",)]
    assert table(db_path, "select count(*) from case_business_time") == [(1,)]   # derived, rebuilt
    log = table(db_path, "select kind, file_name, status from ingests where ingest_id = 3")
    assert log == [("purge", "purge before 2025-01-01: 2 case_events, 2 reviews, 2 cases, "
                             "0 rejected_rows", "ok")]
    cli(["purge", "--before", "2099-01-01", "--db", str(db_path)])
    assert "1 rejected_rows" in capsys.readouterr().out   # BAD's raw record is personal data too
