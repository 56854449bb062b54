"""Every format, encoding and kind of bad input in tests/fixtures/ingest/, each with the message
and quarantine it must produce; stored + quarantined = read in every case."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from analytics import settings
from analytics.ingest import IngestError, ingest_file, rejected_rows

FIXTURES = settings.ROOT / "tests" / "fixtures" / "ingest"
GOOD_CASES = [("C1", "2025-03-01 10:00:00", "open", "P1", "first", "2025-03-01"),
              ("C2", "2025-03-01 21:30:00", "resolved", "P2", "second", "2025-03-02"),
              ("C3", "2025-03-02 04:00:00", "closed", "P3", "third", "2025-03-02")]


def load(tmp_path, name: str, **kwargs):
    path = tmp_path / "t.duckdb"
    report = ingest_file(FIXTURES / name, db_path=path, **kwargs)
    assert report.is_reconciled and report.rows_read == (
        report.rows_inserted + report.rows_superseded + report.rows_rejected)
    with duckdb.connect(str(path), read_only=True) as con:
        cases = con.sql("select case_id, strftime(created_at, '%Y-%m-%d %H:%M:%S'), status, "
                        "priority, summary, created_date::varchar from cases order by case_id").fetchall()
    return report, cases, path


@pytest.mark.parametrize("name", ["good.csv", "semicolon.csv", "utf8_bom.csv", "cases.csv.gz",
                                  "cases.zip", "cases.jsonl", "cases.parquet", "cases.xlsx"])
def test_every_format_stores_the_same_cases(tmp_path, name):
    # KZ is UTC+5: 21:30 UTC is already 2 March there; C3 carries +05:00, so 09:00 is 04:00 UTC
    report, cases, _ = load(tmp_path, name)
    assert (report.rows_read, report.rows_inserted, report.kind) == (3, 3, "cases")
    assert cases == GOOD_CASES


def test_utf16_with_bom_tab_separated(tmp_path):
    report, cases, _ = load(tmp_path, "utf16_bom.csv")
    assert report.rows_inserted == 3 and cases[0][4] == "первый"


def test_cp1251_is_transcoded(tmp_path):
    report, cases, _ = load(tmp_path, "cp1251.csv")
    assert [c[4] for c in cases] == ["Мошенничество с картой", "Жалоба на спам, Алматы"]


def test_quotes_and_newlines_inside_fields(tmp_path):
    report, cases, path = load(tmp_path, "quotes_newlines.csv")
    assert [c[4] for c in cases] == ['said "hello", then left', "line one\nline two, still Q2"]
    (reason,) = rejected_rows(report.ingest_id, path)["reason"]
    assert reason.startswith("row 3, column 'created_at': cannot parse 'not a date' as a timestamp")


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "empty.csv: the file is empty"),
    ("corrupt.zip", "corrupt.zip: not a readable zip archive"),
    ("not_parquet.parquet", "not_parquet.parquet: not a readable Parquet file"),
    ("missing.csv", "missing.csv: no such file"),
])
def test_unreadable_files_raise_a_clear_error(tmp_path, name, message):
    with pytest.raises(IngestError, match="^" + message.replace(".", r"\.")):
        ingest_file(FIXTURES / name, db_path=tmp_path / "t.duckdb")
    assert not (tmp_path / "t.duckdb").exists()   # nothing written, not even an ingests row


def test_header_only_reads_nothing_and_says_so(tmp_path):
    report, cases, _ = load(tmp_path, "header_only.csv")
    assert report.rows_read == 0 and cases == []
    assert "header_only.csv: the file has a header but no data rows" in report.messages


def test_missing_required_column_quarantines_every_row(tmp_path):
    report, cases, path = load(tmp_path, "missing_required.csv")
    assert (report.rows_read, report.rows_rejected, cases) == (2, 2, [])
    assert any("required column 'created_at' not found" in m and "'Created Date'" in m
               for m in report.messages)
    rejected = rejected_rows(report.ingest_id, path)
    assert rejected["reason"].tolist() == [
        f"row {n}, column 'created_at': required column 'created_at' is not in the file" for n in (1, 2)]


def test_unparseable_and_missing_dates_name_row_and_column(tmp_path):
    report, cases, path = load(tmp_path, "bad_date.csv")
    assert [c[0] for c in cases] == ["D1"] and report.rows_rejected == 2
    reasons = rejected_rows(report.ingest_id, path)["reason"].tolist()
    assert reasons[0].startswith("row 2, column 'created_at': cannot parse '2025-02-31 10:00' as a timestamp")
    assert reasons[1] == "row 3, column 'created_at': missing required value"


def test_values_outside_closed_vocabularies_are_rejected_open_ones_kept(tmp_path):
    report, cases, path = load(tmp_path, "bad_value.csv")
    assert [c[:3] for c in cases] == [("V1", "2025-03-01 10:00:00", "open")]  # "Open" -> "open"
    rejected = rejected_rows(report.ingest_id, path)
    assert rejected[["row_number", "column_name", "value"]].values.tolist() == [
        [2, "status", "archived"], [3, "priority", "P9"]]
    assert "is not one of P0, P1, P2, P3" in rejected["reason"].iloc[1]


def test_malformed_csv_record_is_quarantined_with_its_text(tmp_path):
    report, cases, path = load(tmp_path, "ragged.csv")
    assert [c[0] for c in cases] == ["G1", "G3"] and report.rows_rejected == 1
    (row,) = rejected_rows(report.ingest_id, path).itertuples()
    assert row.raw_record == "G2,2025-03-01 10:00,open,surplus"
    assert "expected 3 fields, found 4" in row.reason


def test_day_first_mapping_reports_the_format(tmp_path):
    csv = tmp_path / "day_first.csv"
    csv.write_text("Ticket,Created Date\nT1,29/02/2024 10:00\nT2,31/02/2025\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "cases"\ntime_zone = "Asia/Almaty"\ntimestamp_format = "%d/%m/%Y %H:%M"\n'
                       '[columns]\ncase_id = "Ticket"\ncreated_at = "Created Date"\n', encoding="utf-8")
    report = ingest_file(csv, mapping=mapping, db_path=tmp_path / "t.duckdb")
    (reason,) = rejected_rows(report.ingest_id, tmp_path / "t.duckdb")["reason"]
    assert reason == ("row 2, column 'Created Date': cannot parse '31/02/2025' as a timestamp "
                      "(format %d/%m/%Y %H:%M)")
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        assert con.execute("select created_at from cases").fetchall() == [(pd.Timestamp("2024-02-29 04:00"),)]
