"""Later exports, event logs and reviews: inserted / updated / unchanged / superseded, the
history in case_events, and the CLI's output and exit codes."""
from __future__ import annotations

import duckdb
import pytest

from analytics.ingest import cli, ingest_file

HEADER = "case_id,created_at,updated_at,status,market\n"


def write(tmp_path, name: str, rows: str) -> str:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def query(db, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def counts(report) -> tuple:
    return (report.rows_read, report.rows_inserted, report.rows_updated, report.rows_unchanged,
            report.rows_superseded, report.rows_rejected)


def test_later_export_updates_and_older_one_is_superseded(tmp_path):
    db = tmp_path / "t.duckdb"
    first = write(tmp_path, "monday.csv", "A,2025-03-01 10:00,2025-03-01 10:00,open,KZ\n"
                                          "B,2025-03-01 11:00,2025-03-02 09:00,pending,KZ\n")
    later = write(tmp_path, "tuesday.csv", "A,2025-03-01 10:00,2025-03-03 12:00,resolved,KZ\n"
                                           "B,2025-03-01 11:00,2025-03-01 12:00,open,KZ\n"
                                           "C,2025-03-03 08:00,2025-03-03 08:00,open,KZ\n")
    assert counts(ingest_file(first, db_path=db)) == (2, 2, 0, 0, 0, 0)
    report = ingest_file(later, db_path=db)
    # A is newer (updated), B's row is older than what is stored (superseded), C is new
    assert counts(report) == (3, 1, 1, 0, 1, 0)
    assert query(db, "select case_id, status, ingest_id from cases order by 1") == [
        ("A", "resolved", 2), ("B", "pending", 1), ("C", "open", 2)]
    assert query(db, "select count(*) from case_events") == [(5,)]
    assert counts(ingest_file(later, db_path=db)) == (3, 0, 0, 2, 1, 0)
    assert query(db, "select count(*) from case_events") == [(5,)]


def test_event_log_keeps_the_latest_row_and_the_later_row_on_a_tie(tmp_path):
    db = tmp_path / "t.duckdb"
    log = write(tmp_path, "log.csv", "A,2025-03-01 10:00,2025-03-01 10:00,open,KZ\n"
                                     "A,2025-03-01 10:00,2025-03-01 12:00,pending,KZ\n"
                                     "A,2025-03-01 10:00,2025-03-01 12:00,resolved,KZ\n"
                                     "A,2025-03-01 10:00,2025-03-01 11:00,open,KZ\n")
    report = ingest_file(log, db_path=db)
    assert counts(report) == (4, 1, 0, 0, 3, 0) and report.events_added == 4
    assert query(db, "select status from cases") == [("resolved",)]
    assert query(db, "select row_number from case_events order by updated_at, row_number") == [
        (1,), (4,), (2,), (3,)]


def test_reviews_are_guessed_from_headers_and_upserted(tmp_path):
    db = tmp_path / "t.duckdb"
    path = tmp_path / "reviews.jsonl"
    path.write_text('{"review_id": "R1", "vendor": "Acme", "decided_at": "2025-03-01T23:30:00Z",'
                    ' "market": "KZ", "qa_score": 87.5, "is_qa_sampled": true}\n'
                    '{"review_id": "R2", "vendor": null, "decided_at": "2025-03-01T10:00:00Z"}\n',
                    encoding="utf-8")
    report = ingest_file(path, db_path=db)
    assert (report.kind, *counts(report)) == ("reviews", 2, 1, 0, 0, 0, 1)
    assert query(db, "select review_id, qa_score, is_qa_sampled, decided_date::varchar from reviews") == [
        ("R1", 87.5, True, "2025-03-02")]   # 23:30 UTC is the next day in Almaty


def test_cli_prints_counts_and_exits_1_on_bad_input(tmp_path, capsys):
    good = write(tmp_path, "good.csv", "A,2025-03-01 10:00,,open,KZ\nB,not a date,,open,KZ\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    rejected_csv = tmp_path / "rejected.csv"
    code = cli.main([str(good), str(empty), "--db", str(tmp_path / "t.duckdb"),
                     "--rejected-csv", str(rejected_csv)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "error: empty.csv: the file is empty" in err and "Traceback" not in out + err
    assert "good.csv" in out and "rejected" in out and "[100%]" in out
    assert "row 2, column 'created_at'" in rejected_csv.read_text(encoding="utf-8")


def test_cli_resolves_shipped_mapping_names():
    assert cli.resolve_mapping("nyc311").name == "nyc311.toml"
    assert cli.resolve_mapping(None) is None


def test_kind_that_contradicts_the_mapping_is_refused(tmp_path):
    from analytics import settings
    from analytics.ingest import IngestError
    path = write(tmp_path, "x.csv", "A,2025-03-01 10:00,,open,KZ\n")
    with pytest.raises(IngestError, match="contradicts"):
        ingest_file(path, kind="reviews", mapping=settings.ROOT / "data/mappings/nyc311.toml",
                    db_path=tmp_path / "t.duckdb")
