"""A date without a time of day is that market's local date (issue #15 point 4): never shifted by
reading it as UTC midnight. Loaded through the real ingest (the native CSV path and the pandas
path of JSON Lines) into a real DuckDB file."""
from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from analytics.ingest import ingest_file

ROWS = [  # market, created_at, resolved_at: dates only, and one row with times for contrast
    ("US", "2025-03-01", "2025-03-02"),
    ("KZ", "2025-03-01", "2025-03-03"),
    ("US", "2025-03-01 12:30", "2025-03-02 01:00"),
]


def _write(path, kind):
    records = [{"case_id": f"D{i}", "created_at": c, "resolved_at": r, "status": "closed",
                "market": m, "abuse_category": "spam", "summary": "x"}
               for i, (m, c, r) in enumerate(ROWS)]
    if kind == "csv":
        pd.DataFrame(records).to_csv(path, index=False)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_date_only_value_is_the_markets_local_date(tmp_path, kind):
    db_path = tmp_path / "cases.duckdb"
    ingest_file(_write(tmp_path / f"dates.{kind}", kind), kind="cases", db_path=db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("select case_id, created_at, created_date, resolved_at, resolved_date "
                           "from cases order by case_id").fetchall()
    got = {r[0]: tuple(str(v) for v in r[1:]) for r in rows}
    # New York midnight is 05:00 UTC (EST); Almaty's is 19:00 UTC the day before (UTC+5).
    assert got["D0"] == ("2025-03-01 05:00:00", "2025-03-01", "2025-03-02 05:00:00", "2025-03-02")
    assert got["D1"] == ("2025-02-28 19:00:00", "2025-03-01", "2025-03-02 19:00:00", "2025-03-03")
    # a time of day without an offset is UTC here (the file declares no zone), as before
    assert got["D2"] == ("2025-03-01 12:30:00", "2025-03-01", "2025-03-02 01:00:00", "2025-03-01")
