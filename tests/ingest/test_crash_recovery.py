"""Crashes and concurrency with the real ingest (short versions; bench/kill_ingest.py runs
hundreds of kills): an ingest SIGKILLed at random points leaves the database byte for byte as it
was; running it again completes it with the right counts; readers during a real ingest never
error and never see half of it; two ingests at once are serialised with a clear message."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from ingest_fixture import expected_counts, write_cases_csv

from analytics import db, settings
from analytics.ingest import IngestBusy, ingest_file

ROWS = 30_000


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_ingest(csv, db_path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analytics", "ingest", str(csv), "--db", str(db_path)],
                            cwd=settings.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def counts(db_path) -> tuple[int, int, int]:
    with db.reader(db_path) as con:
        return con.execute("select (select count(*) from cases), (select count(*) from case_events), "
                           "(select count(*) from ingests)").fetchone()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    base = write_cases_csv(folder / "base.csv", 1_000, seed=1)
    big = write_cases_csv(folder / "big.csv", ROWS, seed=2)
    return base, big


@pytest.fixture
def base_db(tmp_path, exports):
    path = tmp_path / "live.duckdb"
    ingest_file(exports[0], db_path=path)
    return path


def test_sigkill_at_random_points_leaves_the_database_as_it_was(base_db, exports):
    before, base_counts = sha256(base_db), counts(base_db)
    rng = random.Random(8)
    for _ in range(5):
        process = start_ingest(exports[1], base_db)
        time.sleep(rng.uniform(0.5, 3.0))   # imports, reading, staging, upsert, checkpoint
        process.send_signal(signal.SIGKILL)
        process.wait()
        if sha256(base_db) != before:   # the kill came after the atomic swap: complete, not half
            assert counts(base_db)[2] == base_counts[2] + 1
            break
    else:
        assert counts(base_db) == base_counts
    report = ingest_file(exports[1], db_path=base_db)
    expected = expected_counts(ROWS)
    done = report.counts()
    assert done["rejected"] == expected["rejected"] and done["read"] == ROWS
    cases, events, _ = counts(base_db)
    # cases C0..C999 of base.csv are also in big.csv: stored once
    assert cases == expected["inserted"] and events >= cases
    assert not list(base_db.parent.glob("*.writing-*"))   # no scratch copy left behind


def test_readers_during_a_real_ingest_see_before_or_after_never_half(base_db, exports):
    before = counts(base_db)
    process = start_ingest(exports[1], base_db)
    seen, reads = set(), 0
    while process.poll() is None:
        seen.add(counts(base_db))   # must never raise, and never show a partial ingest
        reads += 1
    assert process.returncode == 0
    after = counts(base_db)
    seen.add(after)
    assert seen == {before, after} and reads > 10


def test_two_ingests_at_once_are_serialised_with_a_clear_message(base_db, exports, monkeypatch):
    first = start_ingest(exports[1], base_db)
    lock = base_db.with_name(base_db.name + ".lock")
    while not lock.read_text().startswith("pid"):   # wait until the first holds the writer lock
        assert first.poll() is None
        time.sleep(0.05)
    monkeypatch.setenv("ESCALATION_RADAR_LOCK_TIMEOUT_S", "0.5")
    with pytest.raises(IngestBusy, match=rf"^big\.csv: live\.duckdb is being written by pid {first.pid} "
                                         r"since .*; gave up after 0 s$"):
        ingest_file(exports[1], db_path=base_db)
    monkeypatch.setenv("ESCALATION_RADAR_LOCK_TIMEOUT_S", "120")
    said = []
    second = ingest_file(exports[1], db_path=base_db, progress=lambda f, m: said.append(m))
    assert first.wait() == 0
    assert any(m.startswith(f"waiting for pid {first.pid} since") and
               m.endswith("to finish writing live.duckdb ...") for m in said)
    # the second ran after the first had finished: every surviving row it read was already stored
    assert (second.rows_inserted, second.rows_updated) == (0, 0)
    assert second.rows_unchanged == expected_counts(ROWS)["inserted"]
    assert counts(base_db)[2] == 3 and os.path.exists(base_db)
