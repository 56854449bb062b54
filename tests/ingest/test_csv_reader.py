"""The CSV reader at its edges (issue 17 points 1 and 2), through the real ingest into a real
DuckDB file: a quote never closed quarantines the line where it opened (row and column named)
and the rows after it load, whichever path reads the file (DuckDB's native one for a plain CSV,
pyarrow for a gzipped one, Python's csv module after a malformed record); quoted line breaks are
still values; and a refused gzipped CSV ends the CLI with its refusal, not a C++ abort."""
from __future__ import annotations

import gzip
import os
import subprocess
import sys

import duckdb
import pytest

from analytics import settings
from analytics.ingest import IngestError, ingest_file, rejected_rows
from hostile_bombs import csv_gz

HEADER = "case_id,created_at,status,summary\n"


def rows(prefix: str, n: int, summary: str = "ok") -> str:
    return "".join(f"{prefix}{i},2025-03-01 10:00,open,{summary}\n" for i in range(1, n + 1))


# (file text, the row and column where the quote opens, case ids stored)
UNCLOSED = {
    # the quote in the last column swallows the rest of the file: every reader had stored it
    "to_the_end": (HEADER + rows("A", 3) + 'Q,2025-03-01 10:00,open,"never closed\n' + rows("Z", 2),
                   4, "summary", ["A1", "A2", "A3", "Z1", "Z2"]),
    # in a middle column: the record comes out short
    "short": (HEADER + rows("B", 3) + 'Q,2025-03-01 10:00,"open,never\n' + rows("Y", 2),
              4, "status", ["B1", "B2", "B3", "Y1", "Y2"]),
    # closed by a later quoted value: the record comes out long, the rows between were lost
    "closed_later": (HEADER + rows("C", 3) + 'Q,2025-03-01 10:00,open,"never closed\n'
                     + rows("X", 2) + 'X9,2025-03-01 10:00,open,"a, quoted"\n' + rows("W", 2),
                     4, "summary", ["C1", "C2", "C3", "W1", "W2", "X1", "X2", "X9"]),
    # after a malformed record (Python's csv module reads from there), with a good multi-line
    # value before it
    "after_ragged": (HEADER + 'M1,2025-03-01 10:00,open,"two\nlines"\nM2,2025-03-01 10:00\n'
                     + rows("V", 2) + 'Q,2025-03-01 10:00,open,"never closed\n' + rows("U", 2),
                     5, "summary", ["M1", "U1", "U2", "V1", "V2"]),
}


def ingest(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    db_path = tmp_path / "t.duckdb"
    report = ingest_file(path, db_path=db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        cases = dict(con.sql("select case_id, summary from cases").fetchall())
    rejected = rejected_rows(report.ingest_id, db_path)
    assert report.is_reconciled
    assert report.rows_read == len(cases) + len(rejected)   # read = stored + quarantined
    return report, cases, rejected


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("shape", list(UNCLOSED))
def test_a_quote_never_closed_quarantines_its_line_and_the_rows_after_it_load(tmp_path, shape,
                                                                            compressed):
    text, row_number, column, stored = UNCLOSED[shape]
    data = gzip.compress(text.encode()) if compressed else text.encode()
    report, cases, rejected = ingest(tmp_path, "cases.csv.gz" if compressed else "cases.csv", data)
    assert sorted(cases) == stored
    assert cases.get("X9", "a, quoted") == "a, quoted" and cases.get("M1", "two\nlines") == "two\nlines"
    quote = rejected[rejected["raw_record"].str.startswith("Q,")]
    (row,) = quote.itertuples()
    assert row.row_number == row_number
    assert row.reason.startswith(f"row {row_number}, column '{column}': a quote opened in this "
                                 "field is not closed on its line")
    assert "this line is quarantined and the lines after it are read as rows" in row.reason


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_quoted_line_breaks_near_the_end_are_values(tmp_path, compressed):
    """The last batch is re-read exactly when a value holds a line break: a good one stays."""
    text = (HEADER + rows("G", 2) + 'G3,2025-03-01 10:00,open,"one\ntwo, ""three""\r\nfour"\n'
            + 'G4,2025-03-01 10:00,open,"end\nof file"')
    data = gzip.compress(text.encode()) if compressed else text.encode()
    report, cases, rejected = ingest(tmp_path, "good.csv.gz" if compressed else "good.csv", data)
    assert rejected.empty and report.rows_read == 4
    assert cases["G3"] == 'one\ntwo, "three"\r\nfour' and cases["G4"] == "end\nof file"


def test_a_quote_that_runs_past_the_cell_cap_refuses_the_file_naming_its_row(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_INGEST_MAX_CELL_MB", "0.01")   # 10 kB
    text = HEADER + rows("A", 2) + 'Q,2025-03-01 10:00,open,"never closed\n' + rows("Z", 400)
    path = tmp_path / "long.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    with pytest.raises(IngestError) as caught:
        ingest_file(path, db_path=tmp_path / "t.duckdb")
    assert str(caught.value).startswith("long.csv.gz: refused: row 3: a quote opened there runs on "
                                        "over ")
    assert not (tmp_path / "t.duckdb").exists()


def test_a_refused_gzipped_csv_ends_the_cli_with_its_refusal(tmp_path):
    """Before: the refusal printed, then `Fatal Python error: PyGILState_Release` and status 134
    (pyarrow's read-ahead thread still calling the abandoned Python stream at exit)."""
    bomb = csv_gz(tmp_path / "bomb.csv.gz", 100)   # one 100 MB field, past the 4 MB cap
    done = subprocess.run([sys.executable, "-m", "analytics", "ingest", "--db",
                           str(tmp_path / "b.duckdb"), str(bomb)], capture_output=True, text=True,
                          cwd=settings.ROOT, timeout=300, env=os.environ.copy())
    assert "Fatal Python error" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert ("error: bomb.csv.gz: refused: row 1 is a record longer than 4 MB (a quote never "
            "closed, or a value over ESCALATION_RADAR_INGEST_MAX_CELL_MB)") in done.stderr
