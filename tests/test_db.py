"""The one-writer process model, tested with real processes (not threads) on a real DuckDB file."""
from __future__ import annotations

import ast
import contextlib
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from analytics import db, reference, settings

ROOT = settings.ROOT


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _insert_cases(path: Path, ids: list[str]) -> None:
    with db.writer(path) as con:
        con.executemany("insert into cases (case_id, created_at, market) values (?, now(), 'KZ')",
                        [[i] for i in ids])


def _count(path: Path) -> int:
    with db.reader(path) as con:
        return con.execute("select count(*) from cases").fetchone()[0]


# A writer that inserts `n` cases slowly, in many statements, so it can be killed or read mid-way.
SLOW_WRITER = """
    import sys, time
    from analytics import db
    path, n, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    with db.writer(path, on_wait=lambda m: print(m, flush=True)) as con:
        print("writing", flush=True)
        for i in range(n):
            con.execute("insert into cases (case_id, created_at) values (?, now())", [f"slow-{i}"])
            time.sleep(pause)
    print("done", flush=True)
"""


@pytest.fixture
def db_file(tmp_path) -> Path:
    path = tmp_path / "radar.duckdb"
    _insert_cases(path, ["a", "b", "c"])
    return path


def test_sql_parameters_are_bound_and_checked(db_file):
    with db.reader(db_file) as con:
        with pytest.raises(ValueError, match="takes no parameter"):
            db.run_sql(con, "staging/stg_cases", market="KZ")


def test_failed_write_leaves_database_as_it_was(db_file):
    with pytest.raises(RuntimeError):
        with db.writer(db_file) as con:
            con.execute("delete from cases")
            raise RuntimeError("boom")
    assert _count(db_file) == 3
    assert not list(db_file.parent.glob("*.writing-*"))


def test_killed_writer_leaves_database_as_it_was_and_next_writer_completes(db_file):
    for _ in range(3):
        proc = _python(SLOW_WRITER, str(db_file), "1000", "0.01")
        assert proc.stdout.readline().strip() == "writing"
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _count(db_file) == 3
    proc = _python(SLOW_WRITER, str(db_file), "20", "0")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert _count(db_file) == 23
    assert not list(db_file.parent.glob("*.writing-*"))


def test_readers_keep_answering_while_a_writer_runs(db_file):
    writer = _python(SLOW_WRITER, str(db_file), "200", "0.005")
    assert writer.stdout.readline().strip() == "writing"
    reader = _python("""
        import sys, time
        from analytics import db
        seen, deadline = set(), time.monotonic() + 30
        while time.monotonic() < deadline:
            with db.reader(sys.argv[1]) as con:
                seen.add(con.execute("select count(*) from cases").fetchone()[0])
            if 203 in seen:
                break
        print(sorted(seen))
    """, str(db_file))
    w_out, w_err = writer.communicate(timeout=60)
    r_out, r_err = reader.communicate(timeout=60)
    assert writer.returncode == 0, w_err
    assert reader.returncode == 0, r_err  # never refused, never an error
    assert set(ast.literal_eval(r_out)) <= {3, 203}  # never half an ingest


def test_two_writers_are_serialised_with_a_clear_message(db_file):
    first = _python(SLOW_WRITER, str(db_file), "100", "0.01")
    assert first.stdout.readline().strip() == "writing"
    second = _python(SLOW_WRITER, str(db_file), "10", "0")
    out, err = second.communicate(timeout=60)
    first.communicate(timeout=60)
    assert second.returncode == 0, err
    assert out.splitlines()[0].startswith(f"waiting for pid {first.pid} ")
    assert _count(db_file) == 113


def test_writer_gives_up_after_timeout_naming_the_holder(db_file):
    holder = _python(SLOW_WRITER, str(db_file), "300", "0.01")
    assert holder.stdout.readline().strip() == "writing"
    with pytest.raises(db.WriterBusy, match=f"being written by pid {holder.pid}"):
        with db.writer(db_file, timeout_s=0.5):
            pass
    holder.kill()
    holder.wait()


def test_data_version_changes_when_a_writer_lands(db_file):
    before = db.data_version(db_file)
    _insert_cases(db_file, ["d"])
    assert db.data_version(db_file) != before
    assert db.data_version(db_file.parent / "missing.duckdb")[1:] == (0, 0)


def test_a_database_written_by_older_code_is_refreshed_once(db_file):
    # as if written before stg_cases existed (a plain connection: a writer's derived tables
    # need the view)
    with contextlib.closing(duckdb.connect(str(db_file))) as con:
        con.execute("drop view stg_cases")
        con.execute("update schema_meta set value = 'older code' where key = 'schema_fingerprint'")
    with db.reader(db_file) as con:
        with pytest.raises(Exception, match="stg_cases"):
            con.execute("select count(*) from stg_cases").fetchone()
    assert db.refresh_if_stale(db_file) is True
    assert db.refresh_if_stale(db_file) is False  # now current: no write at all
    with db.reader(db_file) as con:
        assert con.execute("select count(*) from stg_cases").fetchone()[0] == 3


def test_the_fingerprint_covers_reference_config(monkeypatch, tmp_path):
    before = db.schema_fingerprint()
    policies = tmp_path / "sla_policies.toml"
    policies.write_text(reference.SLA_POLICIES_PATH.read_text() + "\n# changed\n")
    monkeypatch.setattr(reference, "CONFIG_FILES", (reference.CONFIG_FILES[0], policies))
    assert db.schema_fingerprint() != before


def test_a_new_database_starts_from_the_cached_empty_template(monkeypatch, tmp_path):
    """The first new database sets up an empty template in the cache folder; later new databases
    are copies of it (no set-up of their own) and hold the same tables, calendar included."""
    monkeypatch.setenv("ESCALATION_RADAR_CACHE_DIR", str(tmp_path / "cache"))
    set_ups = []
    real_set_up = db._set_up
    monkeypatch.setattr(db, "_set_up", lambda con, fp: (set_ups.append(fp), real_set_up(con, fp)))
    _insert_cases(tmp_path / "first.duckdb", ["a"])
    _insert_cases(tmp_path / "second.duckdb", ["b", "c"])
    assert len(set_ups) == 1   # the template's, once
    assert list((tmp_path / "cache").glob("empty-*.duckdb"))
    with db.reader(tmp_path / "second.duckdb") as con:
        assert con.execute("select count(*) from cases").fetchall() == [(2,)]
        assert con.execute("select count(*) from business_intervals_lookup").fetchall()[0][0] > 0
        assert con.execute("select count(*) from case_business_time").fetchall() == [(2,)]


def test_a_new_database_is_set_up_in_place_when_the_cache_cannot_be_written(monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("ESCALATION_RADAR_CACHE_DIR", str(blocked))
    _insert_cases(tmp_path / "radar.duckdb", ["a"])
    assert _count(tmp_path / "radar.duckdb") == 1
