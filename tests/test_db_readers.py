"""Readers see the file a writer left, never an older one, and the app's shared connection per
data version is retired once a newer version is read (analytics/db.py: reader, shared_reader)."""
from __future__ import annotations

import threading
from pathlib import Path

from analytics import db


def _insert_cases(path: Path, ids: list[str]) -> None:
    with db.writer(path) as con:
        con.executemany("insert into cases (case_id, created_at, market) values (?, now(), 'KZ')",
                        [[i] for i in ids])


def _count(con) -> int:
    return con.execute("select count(*) from cases").fetchone()[0]


def test_reader_sees_a_replaced_file_while_a_connection_to_the_old_one_is_open(tmp_path):
    # DuckDB's per-path instance cache would hand the second reader the old file
    # (duckdb/duckdb#15912); readers attach the path afresh instead.
    path = tmp_path / "r.duckdb"
    _insert_cases(path, ["a"])
    with db.reader(path) as old:
        _insert_cases(path, ["b", "c"])          # the writer replaces the file
        with db.reader(path) as new:
            assert _count(new) == 3
        assert _count(old) == 1                  # the old connection keeps its snapshot


def test_shared_reader_follows_versions_and_closes_the_old_connection(tmp_path):
    path = tmp_path / "s.duckdb"
    _insert_cases(path, ["a"])
    first = db.data_version(path)
    with db.shared_reader(first) as con:
        assert _count(con) == 1
    with db.shared_reader(first) as con:       # the same version: the same open connection
        shared = db._SHARED[first]
        assert _count(con) == 1 and shared.users == 1
    _insert_cases(path, ["b"])
    second = db.data_version(path)
    assert second != first
    with db.shared_reader(first) as old:       # a thread still on the old version ...
        with db.shared_reader(second) as new:  # ... while another reads the new one
            assert _count(new) == 2
            assert _count(old) == 1
            assert db._SHARED[first].retired
        assert first in db._SHARED             # in use: not closed under the old reader
    assert first not in db._SHARED             # unused and retired: closed
    assert second in db._SHARED and not db._SHARED[second].retired


def test_shared_reader_serves_threads_at_once(tmp_path):
    path = tmp_path / "t.duckdb"
    _insert_cases(path, [f"c{i}" for i in range(50)])
    version, counts, errors = db.data_version(path), [], []

    def read():
        try:
            for _ in range(20):
                with db.shared_reader(version) as con:
                    counts.append(_count(con))
        except Exception as exc:   # collected: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert counts == [50] * 80
    assert db._SHARED[version].users == 0


def test_shared_reader_holds_at_most_a_few_files_open(tmp_path):
    versions = []
    for i in range(db.MAX_SHARED + 3):
        path = tmp_path / f"f{i}.duckdb"
        _insert_cases(path, [f"c{i}"])
        versions.append(db.data_version(path))
        with db.shared_reader(versions[-1]) as con:
            assert _count(con) == 1
    held = [v for v in versions if v in db._SHARED]
    assert held == versions[-db.MAX_SHARED:]
