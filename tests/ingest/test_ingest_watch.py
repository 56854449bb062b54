"""Unattended operation: `ingest --watch DIR` loads each export once, even after a restart, and
`purge --before DATE` removes old cases, events, reviews and quarantined records, leaving an
entry in the ingest log."""
from __future__ import annotations

import os
import time

import duckdb

from analytics.__main__ import main as cli
from analytics.ingest import watch as watch_mod

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
    seen = table(db_path, "select regexp_extract(path, '[^/]+$'), status from watched_files order by 1")
    assert seen == [("a.csv", "ok"), ("broken.csv", "ok"), ("empty.csv", "failed"), ("fresh.csv", "ok")]


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
