"""The writer's derived-table step (analytics/db.py `build_derived`): every sql/derived/*.sql
file runs at the end of each write, so derived tables always match the data just written."""
from __future__ import annotations

from vendor_fixture import case, load

from analytics import db


def test_every_derived_file_builds_a_table_and_the_fingerprint_covers_them(tmp_path):
    path = tmp_path / "d.duckdb"
    with db.writer(path):
        pass
    names = {p.stem.split("_", 1)[1] for p in db.derived_files()}  # "10_business_intervals"
    with db.reader(path) as con:
        tables = {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}
    assert names <= tables
    assert {"case_business_time", "business_intervals", "review_case_mix", "fact_case_activity",
            "cube_cases_daily", "cube_cases_hourly"} <= names


def test_derived_tables_are_rebuilt_by_the_next_write(tmp_path):
    path = tmp_path / "d.duckdb"
    # Fri 17:00 GMT, P1 policy 24 business hours: due Wed 2025-03-12 14:00
    load(path, [case("a", "2025-03-07 17:00")])
    with db.reader(path) as con:
        assert con.execute("select count(*), count(resolved_at) from case_business_time"
                           ).fetchone() == (1, 0)
    with db.writer(path) as con:   # resolve it (2 business hours: Fri 17-18, Mon 09-10)
        con.execute("update cases set resolved_at = '2025-03-10 10:00', status = 'resolved'")
        con.execute("insert into cases by name select 'b' as case_id, "
                    "timestamp '2025-03-10 09:00' as created_at, 'GB' as market")
    with db.reader(path) as con:
        rows = dict(con.sql("select case_id, resolution_business_s from case_business_time"
                            ).fetchall())
    assert rows == {"a": 2 * 3600, "b": None}
