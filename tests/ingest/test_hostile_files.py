"""The hostile-file catalogue of issue 17, generated here: encodings; ragged, NUL and huge fields;
the timestamp forms of docs/data-contract.md and some that are not; non-object, broken and deeply
nested JSON Lines; wrong-typed Parquet with 0xFF bytes; multi-sheet and fake workbooks; nested,
traversal and lying archives; glob characters and escape sequences in names; formula, Markdown,
HTML and terminal-escape payloads; 5,012 columns; and the decompression and size bombs of
tests/hostile_bombs.py (xlsx shared-string, dimension and inline-cell bombs, dictionary and
row-count Parquet bombs, gzip and JSON-line bombs: issue 17 point 3).

All of it goes through one real `python -m analytics ingest` process and through the watch
folder, with the row cap lowered to ROW_CAP so that the row bomb is refused from its footer; a
representative few (DATA_PAGE) are uploaded on the Data page (AppTest). Slow tier: the whole
catalogue takes minutes. Wanted: 0 tracebacks, no raw escape sequence printed, every file either loaded with
read = stored + quarantined or refused with a message naming it, and the store intact."""
from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import sys
import time

import re

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from streamlit.testing.v1 import AppTest

from analytics import settings, state
from analytics.ingest import watch
from hostile_bombs import write_all as write_bombs
from hostile_bombs import zip_bytes as _zip

pytestmark = pytest.mark.slow
HEADER = "case_id,created_at,status,summary\n"
ROW_CAP = "1000000"
# Nothing is left out of the CLI run: a refused gzipped CSV (bomb.csv.gz) had aborted the process
# at exit (status 134, pyarrow's read-ahead thread; csv_reader._arrow_batches abandons it now).
CLI_SKIPS: set[str] = set()


def rows(prefix: str, n: int, summary: str = "ok") -> str:
    return "".join(f"{prefix}{i},2025-03-01 10:00,open,{summary}\n" for i in range(1, n + 1))


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, sheet_rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TIMES = ["2025-03-01 10:00", "2025-03-01T10:00:00+05:00", "2025-03-01T10:00:00Z", "2025-03-01",
         "20250302T081500Z", "20250302T0815+0500", "2025-03-01T10:00:00.123456Z", "2025-03-30 02:30",
         "1709280000", "31/02/2025", "2025-03-01 10:00 UTC", "2099-01-01", "1900-01-01",
         "2025-13-45", "0001-01-01", "9999-12-31T23:59:59Z", "2025-W09-6", ""]
PAYLOADS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1-1", "<script>alert(1)</script>",
            "\x1b]0;pwned\x07title", "\x1b[2J\x1b[31mred", "**bold** [l](http://x) ![i](http://x)"]


def csv_files() -> dict[str, bytes]:
    ragged = (HEADER + "R1,2025-03-01 10:00,open,\"two\nlines\"\nR2,2025-03-01 10:00\n"
              + rows("R", 1).replace("R1", "R3") + "R4,2025-03-01 10:00,open,x,surplus\n"
              + "R5,2025-03-01 10:00,open,bin\x00ary\n" + rows("N", 20)
              + 'R6,2025-03-01 10:00,open,"never closed\n' + rows("Z", 2))
    times = HEADER + "".join(f"T{i},{t},open,x\n" for i, t in enumerate(TIMES, 1))
    payloads = io.StringIO()
    table = csv.writer(payloads, lineterminator="\n")
    table.writerow(["case_id", "created_at", "status", "summary", "![h](http://x)",
                    "<img src=x onerror=alert(1)>", "\x1b[2Jh"])
    table.writerows([f"P{i}", "2025-03-01 10:00", "open", p, p, "x", "y"]
                    for i, p in enumerate(PAYLOADS, 1))
    table.writerow(["P9", "2025-03-01 10:00", "\x1b[2J\x1b]0;status\x07", "x", "x", "x", "x"])
    return {
        "utf16.csv": (HEADER + rows("U", 3, "Алматы")).encode("utf-16"),
        "cp1251.csv": (HEADER + rows("W", 3, "Алматы")).encode("cp1251"),
        "damaged.csv": (HEADER + rows("D", 3, "Алматы")).encode().replace(b"\xd0\x90", b"\xff", 1),
        "ragged.csv": ragged.encode(),
        "unclosed.csv.gz": gzip.compress((HEADER + rows("Q", 2) + 'QX,2025-03-01 10:00,"open,never\n'
                                          + rows("QZ", 2)).encode()),
        "nul_binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "huge_field.csv": (HEADER + rows("H", 1, "x" * (2 << 20)) + rows("I", 1)).encode(),
        "timestamps.csv": times.encode(),
        "payloads\x1b[31m.csv": payloads.getvalue().encode(),
        "blank_first_line.csv": ("\n" + HEADER + rows("X", 1)).encode(),
        "whitespace.csv": b"   \n\t\n  ",
        "empty.csv": b"",
        "wide.csv": (",".join(["case_id", "created_at"] + [f"c{i}" for i in range(5010)]) + "\n"
                     + ",".join(["WIDE1", "2025-03-01 10:00"] + ["x"] * 5010) + "\n").encode(),
        "a.csv": (HEADER + rows("GA", 1)).encode(),
        "?.csv": (HEADER + rows("GQ", 1)).encode(),
        "[ab].csv": (HEADER + rows("GK", 1)).encode(),
    }


def json_files() -> dict[str, bytes]:
    lines = ['{"case_id": "J1", "created_at": "2025-03-01 10:00"}', "[1, 2]", '{"case_id": ', "",
             '"text"', "null", '{"case_id": "J6", "created_at": "2025-03-01 10:00", "n": {"a": [1]}}',
             "[" * 50_000 + "]" * 50_000, '{"case_id": "J8", "created_at": 20250301}']
    latin1 = '{"case_id": "J9", "created_at": "2025-03-01 10:00", "summary": "café"}'.encode("latin-1")
    return {
        "mixed.jsonl": "\n".join(lines).encode() + b"\n" + latin1,
        "array_first.jsonl": b"[1, 2, 3]\n",
        "not_json.jsonl": b"case_id,created_at\nA,2025-03-01\n",
    }


def parquet_files() -> dict[str, bytes]:
    stamps = pa.array([1_740_823_200_000_000] * 3, pa.timestamp("us", tz="Asia/Almaty"))
    return {
        "binary_ff.parquet": _parquet(pa.table({
            "case_id": pa.array([b"PB1", b"\xff\xfe", b"PB3"], pa.binary()),
            "created_at": ["2025-03-01 10:00"] * 3,
            "summary": pa.array([b"ok", b"ok", b"caf\xe9"], pa.large_binary())})),
        "wrong_types.parquet": _parquet(pa.table({
            "case_id": pa.array([1, 2, 3], pa.int64()), "created_at": stamps,
            "status": pa.array(["open", "closed", "bogus"]).dictionary_encode(),
            "summary": pa.array([{"a": 1}, {"a": None}, None], pa.struct([("a", pa.int64())])),
            "priority": pa.array([["P1"], [], None], pa.list_(pa.string())),
            "first_response_at": pa.array([True, False, None]),
            "updated_at": pa.array([None, None, None], pa.null()),
            "resolved_at": pa.array([20250301, -1, None], pa.int64())})),
        "corrupt.parquet": b"PAR1" + b"\x00" * 64 + b"PAR1",
    }


def archive_files() -> dict[str, bytes]:
    inner = (HEADER + rows("ZN", 1)).encode()
    return {
        "book.xlsx": _xlsx({"Cases": [["case_id", "created_at", "summary"],
                                      ["F1", "2025-03-01 10:00", "=1+1"],
                                      ["F2", "=NOW()", '=HYPERLINK("http://x","y")']],
                            "More": [["case_id", "created_at"], ["X2", "2025-03-01 10:00"]]}),
        "fake.xlsx": b"case_id,created_at\nA,2025-03-01\n",
        "nested.zip": _zip({"inner.zip": _zip({"cases.csv": inner})}),
        "traversal.zip": _zip({"../../evil.csv": (HEADER + rows("ZT", 1)).encode()}),
        "two.zip": _zip({"a.csv": inner, "b.csv": inner}),
        "lying.zip": b"this is no zip\n",
        "lying.csv.gz": HEADER.encode() + rows("ZG", 1).encode(),
        "zip_named.csv": _zip({"cases.csv": (HEADER + rows("ZC", 1)).encode()}),
    }


# What each file must come to: rows read, or the start of the refusal after "name: ".
EXPECTED = {
    "utf16.csv": 3, "cp1251.csv": 3, "damaged.csv": 3, "ragged.csv": 28, "unclosed.csv.gz": 5,
    "huge_field.csv": 2,
    "timestamps.csv": len(TIMES), "payloads\x1b[31m.csv": 8, "a.csv": 1, "?.csv": 1, "[ab].csv": 1,
    "mixed.jsonl": 9, "binary_ff.parquet": 3, "wrong_types.parquet": 3, "book.xlsx": 2,
    "traversal.zip": 1, "zip_named.csv": 1,
    "nul_binary.csv": "this is not a text (CSV) file", "blank_first_line.csv": "the first line",
    "whitespace.csv": "the file is empty", "empty.csv": "the file is empty",
    "wide.csv": "refused: 5,012 columns", "array_first.jsonl": "not JSON Lines",
    "not_json.jsonl": "not JSON Lines", "corrupt.parquet": "not a readable Parquet file",
    "fake.xlsx": "not a readable .xlsx workbook", "nested.zip": "this is not a text (CSV) file",
    "two.zip": "a zip must hold exactly one export", "lying.zip": "not a readable zip archive",
    "lying.csv.gz": "cannot read the file",
    "sharedstrings.xlsx": "refused: decompresses more than 200:1",
    "dimension.xlsx": 20_000,
    "inline_cell.xlsx": "refused: row 1, column 'case_id': a value of 50.0 MB, more than the 4 MB",
    "dictionary.parquet": "refused: decompresses more than 200:1",
    "rows.parquet": "refused: more than 1,000,000 rows (ESCALATION_RADAR_INGEST_MAX_ROWS)",
    "bomb.csv.gz": "refused: row 1 is a record longer than 4 MB",
    "long_line.jsonl.gz": "refused: row 2 is a line longer than 4 MB",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("hostile") / "inbox"
    inbox.mkdir()
    files = csv_files() | json_files() | parquet_files() | archive_files()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    names = list(files) + list(write_bombs(inbox, 1))
    assert set(names) == set(EXPECTED)
    past = time.time() - 600
    for age, name in enumerate(names):
        os.utime(inbox / name, (past + age, past + age))
    return inbox


def check_store(db_path, loaded: dict[str, int]) -> None:
    """Every loaded file reconciles, rejected rows match its count, nothing else was stored."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        ingests = con.sql("select file_name, rows_read, rows_inserted, rows_updated, rows_unchanged, "
                          "rows_superseded, rows_rejected, ingest_id from ingests").fetchall()
        quarantined = dict(con.sql("select ingest_id, count(distinct row_number) from rejected_rows "
                                   "where row_number is not null group by all").fetchall())
        unnumbered = con.execute("select count(*) from rejected_rows where row_number is null").fetchone()
        cases = con.execute("select count(*) from cases").fetchone()[0]
    assert {name: read for name, read, *_ in ingests} == loaded
    for name, read, inserted, updated, unchanged, superseded, rejected, ingest_id in ingests:
        assert read == inserted + updated + unchanged + superseded + rejected, name
        assert quarantined.get(ingest_id, 0) == rejected, name
    assert unnumbered == (0,)
    assert cases == sum(row[2] for row in ingests)   # case ids are unique across the catalogue


def expected_loads(skip=()) -> dict[str, int]:
    return {name: n for name, n in EXPECTED.items() if isinstance(n, int) and name not in skip}


@pytest.fixture(scope="module")
def cli_run(folder, tmp_path_factory):
    """One real `python -m analytics ingest` over the whole catalogue: (process, database)."""
    db_path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    done = subprocess.run([sys.executable, "-m", "analytics", "ingest", "--db", str(db_path),
                           *(str(folder / n) for n in sorted(set(EXPECTED) - CLI_SKIPS))],
                          capture_output=True, text=True, cwd=settings.ROOT, timeout=600,
                          errors="replace", env=os.environ | {
                              "ESCALATION_RADAR_INGEST_MAX_ROWS": ROW_CAP})
    return done, db_path


def test_the_catalogue_through_the_cli(cli_run):
    done, db_path = cli_run
    output = done.stdout + done.stderr
    assert done.returncode == 1   # some files were refused
    assert "Traceback" not in output and "\x1b" not in output and "\x07" not in output
    for name, expect in EXPECTED.items():
        if isinstance(expect, str) and name not in CLI_SKIPS:
            assert f"error: {name}: {expect}" in done.stderr, name
    assert "payloads\\x1b[31m.csv" in done.stdout   # the name, its escape shown, not obeyed
    check_store(db_path, expected_loads())


def test_the_catalogue_through_the_watch_folder(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_INGEST_MAX_ROWS", ROW_CAP)
    db_path, said = tmp_path / "watch.duckdb", []
    loaded = watch.watch(folder, db_path=db_path, once=True, settle_s=0, say=said.append)
    assert loaded == len(expected_loads())
    assert not [line for line in said if "Traceback" in line or "please report" in line]
    check_store(db_path, expected_loads())
    records = state.read(db_path, "watched_files")   # the app-state store (#18 point 3)
    names = records["path"].map(os.path.basename)
    statuses = dict(zip(names, records["status"]))
    assert statuses == {n: "ok" if isinstance(e, int) else "failed" for n, e in EXPECTED.items()}
    failed = records["status"] == "failed"
    reasons = dict(zip(names[failed], records["message"][failed]))
    for name, expect in EXPECTED.items():
        if isinstance(expect, str):
            assert reasons[name].startswith(f"{name}: {expect}"), (name, reasons[name])
    assert watch.watch(folder, db_path=db_path, once=True, settle_s=0, say=said.append) == 0


def _rejected(db_path, file_name: str) -> dict[int, str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return dict(con.execute("select row_number, reason from rejected_rows where file_name = ? "
                                "order by row_number, reason desc", [file_name]).fetchall())


def test_what_the_catalogue_quarantines_says_where(cli_run):
    """Spot checks of the reasons: row, column and value named; payloads stored as text."""
    _, db_path = cli_run
    reasons = _rejected(db_path, "timestamps.csv")
    assert reasons[9] == ("row 9, column 'created_at': cannot parse '1709280000' as a timestamp "
                          "(expected ISO 8601 such as 2025-03-01 14:30 or 2025-03-01T14:30:00+05:00)")
    assert reasons[12] == ("row 12, column 'created_at': '2099-01-01' is in the future (after the "
                           "export could have been made)")
    assert sorted(set(range(1, len(TIMES) + 1)) - set(reasons)) == [1, 2, 3, 4, 5, 6, 7, 8]
    ragged = _rejected(db_path, "ragged.csv")
    assert ragged[2] == "row 2, column 'status': malformed CSV record, expected 4 fields, found 2"
    assert ragged[5] == "row 5, column 'summary': 'bin\\x00ary' holds a NUL byte (shown as \\x00)"
    # The quote never closed (row 26) is quarantined, the rows after it (Z1, Z2) load; before,
    # it swallowed them into its summary and was stored.
    assert list(ragged) == [2, 4, 5, 26]
    assert ragged[26].startswith("row 26, column 'summary': a quote opened in this field is not "
                                 "closed on its line")
    assert list(_rejected(db_path, "unclosed.csv.gz")) == [3]
    with duckdb.connect(str(db_path), read_only=True) as con:
        after = con.execute("select case_id, summary from cases where case_id in "
                            "('R6', 'Z1', 'Z2', 'QZ1', 'QZ2') order by 1").fetchall()
    assert after == [("QZ1", "ok"), ("QZ2", "ok"), ("Z1", "ok"), ("Z2", "ok")]
    jsonl = _rejected(db_path, "mixed.jsonl")
    assert jsonl[2] == "row 2: a JSON array, not an object" and 9 in jsonl   # 9: latin-1 bytes
    with duckdb.connect(str(db_path), read_only=True) as con:
        stored = dict(con.execute("select case_id, summary from cases where case_id like 'P%'").fetchall())
    assert [stored[f"P{i}"] for i in range(1, 8)] == PAYLOADS   # stored as given; exports neutralise
    (reason,) = _rejected(db_path, "payloads\x1b[31m.csv").values()
    assert reason.startswith("row 8, column 'status': value '\x1b[2J\x1b]0;status\x07' is not one of")


# Through the Data page: a binary file, a refused one, payload headers, broken JSON Lines, a
# Parquet 0xFF, an .xlsx bomb, a Parquet dictionary bomb and a gzip bomb.
DATA_PAGE = ["nul_binary.csv", "wide.csv", "payloads\x1b[31m.csv", "mixed.jsonl",
             "binary_ff.parquet", "sharedstrings.xlsx", "dictionary.parquet", "bomb.csv.gz"]


def _unescaped(texts) -> str:
    """What the person reads: the Markdown escapes of ui.widgets.plain removed."""
    return re.sub(r"\\(.)", r"\1", " ".join(texts))


@pytest.mark.parametrize("name", DATA_PAGE)
def test_the_catalogue_through_the_data_page(folder, writable_db, name):  # noqa: F811
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=120)
    at.run(timeout=120)
    at.switch_page("ui/pages/data.py").run()
    at.file_uploader(key="upload_file").upload(name, (folder / name).read_bytes(),
                                               "application/octet-stream")
    at.button(key="upload_ingest").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _unescaped(e.value for e in [*at.error, *at.warning, *at.success])
    assert "Traceback" not in shown and "\x1b" not in shown
    shown_name = name.replace("\x1b", "")   # the browser's name, control characters dropped
    if isinstance(EXPECTED[name], str):
        assert at.error and shown_name in shown and EXPECTED[name] in shown, shown
    else:
        assert at.success and shown_name in shown, shown
