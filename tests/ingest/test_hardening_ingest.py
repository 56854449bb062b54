"""Bad exports from issue 8 that tests/ingest/test_ingest_formats.py does not already cover, each with
the message it must produce and nothing lost: every data row is stored or quarantined, and a
file that cannot be read at all writes nothing. docs/reliability.md lists every case."""
from __future__ import annotations

import gzip
import importlib.util
import io
import os
import time

import duckdb
import openpyxl
import pandas as pd
import pytest

from analytics import settings, state
from analytics.ingest import IngestError, ingest_file, readers, rejected_rows
from hostile_bombs import zip_bytes as _zip

HEADER = "case_id,created_at,updated_at,status,market,priority,summary\n"
ROW = "{},2025-03-01 10:00,,open,KZ,P1,{}\n"


def load(tmp_path, name: str, data: bytes | str, *, expect_read: int, **kwargs):
    """Ingest `data` as `name` into a fresh database; check nothing was lost."""
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    db_path = tmp_path / "t.duckdb"
    report = ingest_file(path, db_path=db_path, **kwargs)
    rejected = rejected_rows(report.ingest_id, db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        cases = dict(con.sql("select case_id, summary from cases").fetchall())
        events = con.execute("select count(*) from case_events").fetchone()[0]
    quarantined = rejected["row_number"].astype("str").where(
        rejected["row_number"].notna(), rejected["raw_record"]).nunique()
    assert report.rows_read == expect_read and report.is_reconciled
    assert quarantined == report.rows_rejected
    assert events + quarantined == report.rows_read   # stored + quarantined = read
    return report, rejected, cases


def error_of(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        ingest_file(path, db_path=tmp_path / f"{name}.duckdb")
    assert not (tmp_path / f"{name}.duckdb").exists()   # nothing written
    return str(caught.value)


def test_mixed_delimiter_rows_are_quarantined_with_their_text(tmp_path):
    data = HEADER + ROW.format("A1", "x") + ROW.format("A2", "y").replace(",", ";") + ROW.format("A3", "z")
    report, rejected, cases = load(tmp_path, "mixed.csv", data, expect_read=3)
    assert sorted(cases) == ["A1", "A3"]
    (row,) = rejected.itertuples()
    assert row.reason == "row 2, column 'created_at': malformed CSV record, expected 7 fields, found 1"
    assert row.raw_record.startswith("A2;2025-03-01")


def test_unknown_columns_are_named_and_ignored(tmp_path):
    report, _, cases = load(tmp_path, "unknown.csv", "case_id,created_at,Foo,Created Date\n"
                            "U1,2025-03-01 10:00,1,2025-03-01\n", expect_read=1)
    assert cases == {"U1": None}
    assert ("unknown.csv: 2 column(s) not used (neither canonical nor mapped, see docs/mappings.md): "
            "'Foo', 'Created Date' (looks like created_at: map it)") in report.messages


def test_duplicated_columns_are_ignored_unless_read(tmp_path):
    report, _, cases = load(tmp_path, "dup.csv", "case_id,created_at,notes,notes,,\n"
                            "U1,2025-03-01 10:00,a,b,,\n", expect_read=1)
    assert cases == {"U1": None} and "'notes', 'notes (2)', 'column 5', 'column 6'" in report.messages[0]
    message = error_of(tmp_path, "dup_used.csv", b"case_id,created_at,summary,summary\nU1,2025-03-01,a,b\n")
    assert message == ("dup_used.csv: column(s) ['summary'] appear more than once in the header; "
                       "which copy to read is ambiguous: rename or remove the copies")


def test_a_one_megabyte_field_is_stored_whole(tmp_path):
    big = "x" * (1 << 20)
    for name, first in (("big_first.csv", big), ("big_second.csv", "short")):
        data = HEADER + ROW.format("B1", first) + ROW.format("B2", big if first == "short" else "s")
        _, _, cases = load(tmp_path, name, data, expect_read=2)
        assert max(len(v) for v in cases.values()) == 1 << 20
        (tmp_path / "t.duckdb").unlink()


def test_truncated_last_line_is_quarantined(tmp_path):
    report, rejected, cases = load(tmp_path, "cut.csv", HEADER + ROW.format("T1", "x") + "T2,2025-03-01 1",
                                   expect_read=2)
    assert list(cases) == ["T1"] and rejected["raw_record"].tolist() == ["T2,2025-03-01 1"]
    assert rejected["reason"].tolist() == [
        "row 2, column 'updated_at': malformed CSV record, expected 7 fields, found 2"]


def test_mixed_line_endings(tmp_path):
    data = (HEADER.replace("\n", "\r\n") + ROW.format("E1", "a").replace("\n", "\r\n")
            + ROW.format("E2", "b") + ROW.format("E3", "c").replace("\n", "\r") + ROW.format("E4", "d"))
    _, _, cases = load(tmp_path, "eol.csv", data, expect_read=4)
    assert cases == {"E1": "a", "E2": "b", "E3": "c", "E4": "d"}


def test_invalid_utf8_bytes_quarantine_only_their_row(tmp_path):
    data = (HEADER + ROW.format("I1", "Алматы")).encode() + ROW.format("I2", "bad").encode().replace(
        b"bad", b"b\xff\xfed")
    report, rejected, cases = load(tmp_path, "bytes.csv", data, expect_read=2)
    assert cases == {"I1": "Алматы"}   # still read as UTF-8, not as cp1251
    assert rejected["reason"].tolist() == [
        "row 2, column 'summary': 'b\ufffd\ufffdd' holds bytes that are not valid UTF-8 (shown as "
        "\ufffd); export the file as UTF-8 again or set encoding in a mapping"]


def test_ambiguous_day_month_follows_only_the_declared_format(tmp_path):
    data = "case_id,created_at\nA1,03/04/2025 10:00\nA2,2025-04-05T10:00:00+05:00\nA3,13/31/2025 10:00\n"
    mappings = {"dmy": "%d/%m/%Y %H:%M", "mdy": "%m/%d/%Y %H:%M"}
    stored = {}
    for name, fmt in mappings.items():
        mapping = tmp_path / f"{name}.toml"
        mapping.write_text(f'kind = "cases"\ntimestamp_format = ["{fmt}"]\n', encoding="utf-8")
        _, rejected, _ = load(tmp_path, f"{name}.csv", data, expect_read=3, mapping=mapping)
        with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
            stored[name] = dict(con.sql("select case_id, created_at::varchar from cases").fetchall())
        assert rejected["row_number"].tolist() == [3]   # 13/31 fits neither reading
        (tmp_path / "t.duckdb").unlink()
    assert stored["dmy"]["A1"] == "2025-04-03 10:00:00" and stored["mdy"]["A1"] == "2025-03-04 10:00:00"
    assert stored["dmy"]["A2"] == stored["mdy"]["A2"] == "2025-04-05 05:00:00"   # ISO is never ambiguous
    _, rejected, _ = load(tmp_path, "none.csv", data, expect_read=3)   # no mapping: never guessed
    assert rejected["reason"].iloc[0].startswith(
        "row 1, column 'created_at': cannot parse '03/04/2025 10:00' as a timestamp (expected ISO 8601")


def test_dst_gap_moves_forward_and_repeated_hour_takes_summer_time(tmp_path):
    mapping = tmp_path / "berlin.toml"
    mapping.write_text('kind = "cases"\ntime_zone = "Europe/Berlin"\n', encoding="utf-8")
    data = ("case_id,created_at\nG1,2025-03-30 02:30\nR1,2025-10-26 02:30\n"
            "W1,2025-01-15 12:00\nS1,2025-07-15 12:00\nZ1,2025-07-15 12:00+05:00\n")
    load(tmp_path, "dst.csv", data, expect_read=5, mapping=mapping)
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        utc = dict(con.sql("select case_id, strftime(created_at, '%m-%d %H:%M') from cases").fetchall())
    assert utc == {"G1": "03-30 01:00", "R1": "10-26 00:30", "W1": "01-15 11:00",
                   "S1": "07-15 10:00", "Z1": "07-15 07:00"}


def test_future_placeholder_and_negative_durations_are_quarantined_long_ones_kept(tmp_path):
    data = ("case_id,created_at,first_response_at,resolved_at\nOK,2025-03-01 10:00,,2025-03-02 10:00\n"
            "F1,2099-03-01 10:00,,\nP1,1900-01-01 00:00,,\nN1,2025-03-01 10:00,,2025-02-01 10:00\n"
            "N2,2025-03-01 10:00,2025-03-01 09:59,\nL1,2021-03-01 10:00,,2025-03-01 10:00\n")
    report, rejected, cases = load(tmp_path, "odd.csv", data, expect_read=6)
    assert sorted(cases) == ["L1", "OK"]
    assert rejected["reason"].tolist() == [
        "row 2, column 'created_at': '2099-03-01 10:00' is in the future (after the export could have been made)",
        "row 3, column 'created_at': '1900-01-01 00:00' is before 1990: a placeholder? list it under null_values",
        "row 4, column 'resolved_at': '2025-02-01 10:00' is before created_at (a negative duration)",
        "row 5, column 'first_response_at': '2025-03-01 09:59' is before created_at (a negative duration)"]
    assert "odd.csv: 1 case(s) resolved more than a year after they were created: kept, but check them" \
        in report.messages


def test_duplicate_case_ids_with_conflicting_values_keep_the_latest_and_all_events(tmp_path):
    data = ("case_id,created_at,updated_at,status,summary\nD1,2025-03-01 10:00,2025-03-02 10:00,open,a\n"
            "D1,2025-03-01 10:00,2025-03-02 10:00,resolved,b\nD1,2025-03-01 11:00,2025-03-01 10:00,closed,c\n")
    report, _, cases = load(tmp_path, "dups.csv", data, expect_read=3)
    assert (report.rows_inserted, report.rows_superseded, cases) == (1, 2, {"D1": "b"})


def test_excel_with_several_sheets_reads_the_first_and_says_so(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Cases"
    for title, case in (("Cases", "X1"), ("More", "X2"), ("Notes", "X3")):
        sheet = book[title] if title in book.sheetnames else book.create_sheet(title)
        sheet.append(["case_id", "created_at"])
        sheet.append([case, "2025-03-01 10:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    report, _, cases = load(tmp_path, "book.xlsx", buffer.getvalue(), expect_read=1)
    assert list(cases) == ["X1"]
    assert ("book.xlsx: the workbook has 3 sheets; only the first, 'Cases', was read (not read: "
            "'More', 'Notes'; save each sheet as its own file)") in report.messages


def test_empty_zip_and_zip_bombs_are_refused(tmp_path, monkeypatch):
    assert error_of(tmp_path, "empty.zip", _zip({})) == "empty.zip: the zip archive is empty"
    monkeypatch.setattr(readers, "RATIO_FREE_BYTES", 1 << 20)   # 64 MB in production; kept fast here
    rows = (HEADER + ROW.format("C1", "x") * 60_000).encode()   # 3 MB that compresses ~500:1
    bomb = ("decompresses more than 200:1 (a zip bomb?); real exports compress far less "
            "(ESCALATION_RADAR_INGEST_MAX_RATIO)")
    assert error_of(tmp_path, "bomb.zip", _zip({"cases.csv": rows})) == f"bomb.zip: refused: {bomb}"
    assert error_of(tmp_path, "bomb.csv.gz", gzip.compress(rows, 9)) == f"bomb.csv.gz: refused: {bomb}"


def test_ordinary_compression_is_not_mistaken_for_a_bomb(tmp_path):
    rows = HEADER + "".join(ROW.format(f"C{i}", f"summary {i * 7919 % 10007}") for i in range(2000))
    report, _, cases = load(tmp_path, "ok.csv.gz", gzip.compress(rows.encode()), expect_read=2000)
    assert len(cases) == 2000
    assert pd.Series(list(cases)).is_unique


def test_memory_capped_ingest_short_version(tmp_path):
    """bench/big_file.py with a small file: the capped subprocess loads it whole, within 512 MB."""
    spec = importlib.util.spec_from_file_location("big_file", settings.ROOT / "bench" / "big_file.py")
    big_file = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(big_file)
    csv = big_file.write_cases_csv(tmp_path / "big.csv", 60_000)
    status, _, peak_mb, output = big_file.run_capped(csv, tmp_path / "big.duckdb", as_mb=1024)
    assert status == 0, output[-2000:]
    stored, expected = big_file.stored_counts(tmp_path / "big.duckdb"), big_file.expected_counts(60_000)
    assert (stored["cases"], stored["rejected"], stored["read"]) == (
        expected["inserted"], expected["rejected"], 60_000)
    assert peak_mb < 512


# Issue 17: poison files, glob names, exact row numbers.

def test_files_that_are_not_csv_are_refused_by_name(tmp_path):
    """Each ended in AttributeError (CsvFormatError was never defined)."""
    assert error_of(tmp_path, "nul.csv", b"case\x00_id,created_at\nA1,2025-03-01\n") == (
        "nul.csv: this is not a text (CSV) file; binary content found (control bytes such as NUL)")
    assert error_of(tmp_path, "blank.csv", ("\n" + HEADER + ROW.format("B1", "x")).encode()) == (
        "blank.csv: the first line (the header) is empty")
    assert error_of(tmp_path, "spaces.csv", b"   \n \t \r\n") == "spaces.csv: the file is empty"


def test_a_stray_nul_byte_quarantines_its_row(tmp_path):
    rows = [ROW.format(f"N{i}", "ok") for i in range(200)]
    rows[150] = ROW.format("N150", "bin\x00ary")
    _, rejected, cases = load(tmp_path, "nul.csv", HEADER + "".join(rows), expect_read=200)
    assert len(cases) == 199 and rejected["reason"].tolist() == [
        "row 151, column 'summary': 'bin\\x00ary' holds a NUL byte (shown as \\x00)"]


@pytest.mark.parametrize("name", ["?.csv", "[ab].csv", "*.csv", "{a,b}.csv", "~x.csv"])
def test_a_file_name_is_never_a_glob(tmp_path, name):
    """`?.csv` also read its neighbour `a.csv` (DuckDB's read_csv takes a glob)."""
    for neighbour, case in (("a.csv", "A1"), ("b.csv", "B1")):
        (tmp_path / neighbour).write_text(HEADER + ROW.format(case, "neighbour"), encoding="utf-8")
    report, _, cases = load(tmp_path, name, HEADER + ROW.format("Q1", "mine"), expect_read=1)
    assert cases == {"Q1": "mine"}


def test_malformed_records_are_numbered_and_name_their_column(tmp_path):
    """Quoted newlines used to leave a malformed record without a row number."""
    data = (HEADER + ROW.format("M1", '"two\nlines"') + "M2,2025-03-01 10:00\n" + ROW.format("M3", "x")
            + ROW.format("M4", "y,surplus") + ROW.format("M5", "z").replace("2025-03-01 10:00", "soon"))
    report, rejected, cases = load(tmp_path, "ragged.csv", data, expect_read=5)
    assert sorted(cases) == ["M1", "M3"]
    assert rejected[["row_number", "column_name"]].values.tolist() == [
        [2, "updated_at"], [4, "summary"], [5, "created_at"]]
    assert rejected["reason"].tolist()[:2] == [
        "row 2, column 'updated_at': malformed CSV record, expected 7 fields, found 2",
        "row 4, column 'summary': malformed CSV record, expected 7 fields, found 8 (1 more after it)"]
    assert "2 × malformed CSV record (wrong number of fields) (first: row 2)" in "\n".join(report.messages)


def test_poison_files_are_set_aside_and_the_watch_folder_goes_on(tmp_path, capsys):
    """A poison file first in the folder stopped the watcher for good (AttributeError, nothing
    recorded, the same file first again after a restart); the good file behind it never loaded."""
    from analytics.__main__ import main as cli
    inbox, db_path = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    files = {"1-nul.csv": b"case\x00_id,created_at\n", "2-blank.csv": b"\n" + HEADER.encode(),
             "3-spaces.csv": b"  \n\t\n", "4-good.csv": (HEADER + ROW.format("G1", "x")).encode()}
    for age, (name, data) in enumerate(files.items()):
        (inbox / name).write_bytes(data)
        os.utime(inbox / name, (time.time() - 100 + age, time.time() - 100 + age))   # poison first
    args = ["ingest", "--watch", str(inbox), "--once", "--db", str(db_path)]
    assert cli(args) == 0
    out = capsys.readouterr().out
    assert "watch: 1 file(s) loaded" in out and "Traceback" not in out
    assert "error: 2-blank.csv: the first line (the header) is empty" in out
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.sql("select case_id from cases").fetchall() == [("G1",)]
    records = state.read(db_path, "watched_files")   # the app-state store (#18 point 3)
    seen = sorted(zip(records["path"].map(os.path.basename), records["status"],
                      records["message"]))
    assert [s[:2] for s in seen] == [("1-nul.csv", "failed"), ("2-blank.csv", "failed"),
                                     ("3-spaces.csv", "failed"), ("4-good.csv", "ok")]
    assert seen[2][2] == "3-spaces.csv: the file is empty"
    assert cli(args) == 0 and "watch: 0 file(s) loaded" in capsys.readouterr().out   # set aside


def test_a_bug_met_by_one_file_does_not_stop_the_folder(tmp_path, monkeypatch):
    """Whatever escapes as a non-IngestError is recorded against that file, not fatal."""
    from analytics.ingest import validate, watch
    real = validate.validate_batch

    def buggy(frame, plan):
        if "B1" in set(frame[plan.sources["case_id"][0]]):
            raise TypeError("an unforeseen value")
        return real(frame, plan)
    monkeypatch.setattr("analytics.ingest.pipeline.validate_batch", buggy)
    monkeypatch.setattr("analytics.ingest.native.can_load", lambda table, plan: False)
    inbox, said = tmp_path / "inbox", []
    inbox.mkdir()
    for age, (name, case) in enumerate((("bug.csv", "B1"), ("good.csv", "G1"))):
        (inbox / name).write_text(HEADER + ROW.format(case, "x"), encoding="utf-8")
        os.utime(inbox / name, (time.time() - 100 + age, time.time() - 100 + age))
    assert watch.watch(inbox, db_path=tmp_path / "w.duckdb", once=True, say=said.append) == 1
    assert ("error: bug.csv: could not be loaded (TypeError: an unforeseen value); please report "
            "this file") in said


def test_iso_basic_timestamps_are_read(tmp_path):
    """`20260302T081500Z` is ISO 8601 (basic format); it crashed the file with a TypeError."""
    data = ("case_id,created_at\nB1,20250302T081500Z\nB2,20250302T0815+0500\nB3,20250302T081500\n"
            "B4,2025-03-02 08:15\nB5,2025-03-02 08:15 UTC\n")
    _, rejected, _ = load(tmp_path, "basic.csv", data, expect_read=5)
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        stored = dict(con.sql("select case_id, strftime(created_at, '%H:%M') from cases").fetchall())
    assert stored == {"B1": "08:15", "B2": "03:15", "B3": "08:15", "B4": "08:15"}
    assert rejected["row_number"].tolist() == [5]   # the same as before: not ISO 8601


def test_json_lines_quarantine_the_lines_they_cannot_read(tmp_path):
    """A line that is not an object crashed the file (TypeError); one broken line refused it
    whole with a byte offset."""
    lines = ['{"case_id": "J1", "created_at": "2025-03-01 10:00"}', "[1, 2]", '{"case_id": ',
             "", '"text"', '{"case_id": "J5", "created_at": "2025-03-01 10:00", "extra": {"a": [1]}}',
             "[" * 100_000 + "]" * 100_000]
    _, rejected, cases = load(tmp_path, "cases.jsonl", "\n".join(lines) + "\n", expect_read=6)
    assert sorted(cases) == ["J1", "J5"]
    assert rejected["reason"].tolist() == [
        "row 2: a JSON array, not an object",
        "row 3: not valid JSON (Expecting value at character 12)",
        "row 4: a JSON string, not an object",
        "row 6: not valid JSON (nested too deeply)"]
    assert rejected["raw_record"].tolist()[:3] == ["[1, 2]", '{"case_id":', '"text"']


def test_parquet_bytes_that_are_not_utf8_quarantine_their_row(tmp_path):
    """A binary column holding 0xFF failed the whole file with UnicodeDecodeError."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.table({"case_id": pa.array([b"P1", b"\xff\xfe", b"P3"], pa.binary()),
                      "created_at": ["2025-03-01 10:00"] * 3,
                      "summary": pa.array([b"ok", b"ok", b"caf\xe9"], pa.large_binary())})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    _, rejected, cases = load(tmp_path, "bytes.parquet", buffer.getvalue(), expect_read=3)
    assert cases == {"P1": "ok"}
    assert rejected[["row_number", "column_name"]].values.tolist() == [[2, "case_id"], [3, "summary"]]


def test_thousands_of_columns_are_refused_before_reading(tmp_path):
    """64 KB with 5,012 columns ran the native load out of memory at the 2 GB cap."""
    names = ["case_id", "created_at"] + [f"c{i}" for i in range(5010)]
    data = ",".join(names) + "\n" + ",".join(["W1", "2025-03-01 10:00"] + ["x"] * 5010) + "\n"
    assert error_of(tmp_path, "wide.csv", data.encode()) == (
        "wide.csv: refused: 5,012 columns, more than the 2,000 an export may have "
        "(ESCALATION_RADAR_INGEST_MAX_COLUMNS)")
