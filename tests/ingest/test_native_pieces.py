"""A plain CSV larger than ESCALATION_RADAR_INGEST_CHUNK_MB takes the native path piece by piece
(analytics/ingest/native.pieces): DuckDB never stages more than one piece, the pieces are whole
records (quoted line breaks, CRLF, a header split across blocks), row numbers count across them,
and a piece that only the pandas path can judge sends the whole file there with nothing left of
the pieces before. The right answer is the pandas path's, which reads the file in one stream."""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.ingest import IngestError, ingest_file, native

HEADER = "case_id,created_at,status,market,reopen_count,summary\n"


def export(rows: list[str], *, crlf: bool = False) -> str:
    text = HEADER + "".join(rows)
    return text.replace("\n", "\r\n") if crlf else text


def rows_of(n: int, seed: int = 0) -> list[str]:
    """n records, some with a quoted line break, doubled quotes or Cyrillic, every 7th rejected
    (an unreadable created_at), every 11th a later copy of an earlier case (superseded)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        case = f"C{i // 11 * 11 if i % 11 == 10 else i}"
        created = "2025-13-01" if i % 7 == 3 else f"2025-03-{1 + i % 28:02d} {i % 24:02d}:00"
        summary = rng.choice(['plain', '"two\nlines"', '"said ""stop"", then left"',
                              'Алматы', '"a,b\n\nc"'])
        out.append(f"{case},{created},open,KZ,{i % 3},{summary}\n")
    return out


def ingest(path: Path, db_path: Path, *, pandas: bool = False):
    with pytest.MonkeyPatch.context() as patch:
        if pandas:
            patch.setattr(native, "can_load", lambda *a, **k: False)
        return ingest_file(path, db_path=db_path)


def tables(db_path: Path) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {t: con.sql(f"select * exclude (ingest_id) from {t} order by all").fetchall()
                for t in ("cases", "rejected_rows")}


def staged_sizes(monkeypatch) -> list[int]:
    """Rows DuckDB staged at once, one entry per piece (read from native_counts)."""
    sizes, run_sql = [], db.run_sql

    def spy(con, name, **params):
        result = run_sql(con, name, **params)
        if name == "ingest/native_counts":
            rows = result.fetchall()
            sizes.append(rows[0][0])
            return run_sql(con, name, **params)
        return result
    monkeypatch.setattr(db, "run_sql", spy)
    return sizes


@pytest.mark.parametrize("crlf", [False, True])
def test_a_csv_over_the_piece_size_is_staged_piece_by_piece_as_the_pandas_path_reads_it(
        tmp_path, monkeypatch, crlf):
    path = tmp_path / "export.csv"
    path.write_bytes(export(rows_of(400), crlf=crlf).encode())
    monkeypatch.setenv("ESCALATION_RADAR_INGEST_CHUNK_MB", str(2_000 / 2**20))   # ~2 kB pieces
    sizes = staged_sizes(monkeypatch)
    native_report = ingest(path, tmp_path / "native.duckdb")
    pandas_report = ingest(path, tmp_path / "pandas.duckdb", pandas=True)
    assert len(sizes) > 5 and max(sizes) < 100 and sum(sizes) == 400, sizes
    assert tables(tmp_path / "native.duckdb") == tables(tmp_path / "pandas.duckdb")
    assert native_report.counts() == pandas_report.counts()
    assert native_report.messages == pandas_report.messages
    assert native_report.counts()["rejected"] == len([i for i in range(400) if i % 7 == 3])


def test_a_piece_only_pandas_can_judge_sends_the_whole_file_there_and_leaves_nothing(
        tmp_path, monkeypatch):
    rows = rows_of(300)
    rows[250] = "C250,2025-03-01 10:00,open,KZ,1e1,late odd value\n"   # 10 to pandas, odd to SQL
    path = tmp_path / "export.csv"
    path.write_text(export(rows), encoding="utf-8")
    monkeypatch.setenv("ESCALATION_RADAR_INGEST_CHUNK_MB", str(2_000 / 2**20))
    taken, load = [], native.load
    monkeypatch.setattr(native, "load", lambda *a, **k: taken.append(load(*a, **k)) or taken[-1])
    report = ingest(path, tmp_path / "native.duckdb")
    assert taken == [None]   # pieces were staged, then taken back
    assert report.counts() == ingest(path, tmp_path / "pandas.duckdb", pandas=True).counts()
    assert tables(tmp_path / "native.duckdb") == tables(tmp_path / "pandas.duckdb")


def test_a_row_cap_stops_a_pieced_file_part_way(tmp_path, monkeypatch):
    path = tmp_path / "export.csv"
    path.write_text(export(rows_of(300)), encoding="utf-8")
    monkeypatch.setenv("ESCALATION_RADAR_INGEST_CHUNK_MB", str(2_000 / 2**20))
    monkeypatch.setenv("ESCALATION_RADAR_INGEST_MAX_ROWS", "100")
    sizes = staged_sizes(monkeypatch)
    with pytest.raises(IngestError, match=r"export.csv: refused: more than 100 rows"):
        ingest(path, tmp_path / "db.duckdb")
    assert sum(sizes) < 200   # it stopped soon after the cap, not at the end of the file


@pytest.mark.parametrize("seed", range(6))
def test_pieces_are_whole_records_under_the_header(tmp_path, seed):
    rng = random.Random(seed)
    text = export(rows_of(rng.randint(0, 120), seed), crlf=seed % 2 == 1)
    if seed == 4:   # a header record with a quoted line break, longer than a block
        text = '"case_id","long\n' + "x" * 300 + '",b\n' + text.split("\n", 1)[1]
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode())
    header, *records = list(csv.reader(io.StringIO(text, newline="")))
    target, block = rng.randint(1, 400), rng.choice([7, 64, 1000])
    got = []
    for piece in native.pieces(path, target, block=block):
        first, *rest = list(csv.reader(io.StringIO(Path(piece).read_bytes().decode(), newline="")))
        assert first == header
        got += rest
    assert got == records


@pytest.mark.parametrize("poison", [b"\x00", "\ufffd".encode(), b'"'])
def test_what_the_pandas_path_must_judge_is_found_in_any_piece(tmp_path, poison):
    path = tmp_path / "export.csv"
    body = export(rows_of(200)).encode()
    cut = body.rfind(b"\n", 0, len(body) - 50) + 1
    path.write_bytes(body[:cut] + b"C9," + poison + b",open,KZ,1,x\n" + body[cut:])
    with pytest.raises(native.NotNative):
        for _ in native.pieces(path, 500, block=64):
            pass


def test_a_pieced_ingest_killed_mid_file_leaves_the_store_and_no_piece_behind(tmp_path):
    """SIGKILL while pieces are being staged: the store is byte for byte as before; the piece on
    disk (case text) lives in the ingest's spill folder, which the next ingest removes, never in
    the system's temporary folder, where nothing would ever remove it (issue 17 point 8)."""
    import hashlib
    import os
    import signal
    import subprocess
    import sys
    import time

    from analytics import settings
    store, export_path = tmp_path / "live.duckdb", tmp_path / "export.csv"
    export_path.write_text(export(rows_of(20)), encoding="utf-8")
    ingest(export_path, store)
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    export_path.write_text(export(rows_of(40_000, seed=3)), encoding="utf-8")   # ~1.9 MB
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    env = {**os.environ, "ESCALATION_RADAR_INGEST_CHUNK_MB": "0.05", "TMPDIR": str(system_tmp)}
    child = subprocess.Popen([sys.executable, "-m", "analytics", "ingest", str(export_path), "--db",
                              str(store)], cwd=settings.ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, seen = time.monotonic() + 120, []
    while not seen and time.monotonic() < deadline and child.poll() is None:
        seen = list(tmp_path.glob(".live.duckdb.spill-*/escalation-radar-pieces-*/export.csv"))
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert seen, "no piece was seen in the store's spill folder"
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    assert not list(system_tmp.glob("escalation-radar-pieces-*"))
    report = ingest(export_path, store)
    assert report.counts()["read"] == 40_000
    assert not list(tmp_path.glob(".live.duckdb.spill-*")), "a killed ingest's pieces stayed"
