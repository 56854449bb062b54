"""bench/spark_build.py's store comparison (#19 "sees the same numbers"): two stores with the same
aggregates agree; a changed count, a missing row or a missing table is reported as different."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import spark_build  # noqa: E402


def _store(path: Path, cases: list[int], extra: bool = False) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create table cube_cases_daily (market varchar, cases bigint, mean double)")
        con.executemany("insert into cube_cases_daily values (?, ?, ?)",
                        [(f"M{i}", n, n / 3) for i, n in enumerate(cases)])
        con.execute("create view cases as select 1 as x")       # views are not compared
        if extra:
            con.execute("create table kpi_weekly (n bigint)")
    return path


def test_same_aggregates_are_the_same_numbers(tmp_path):
    a = _store(tmp_path / "a.duckdb", [5, 7, 11])
    b = _store(tmp_path / "b.duckdb", [11, 5, 7])                # row order does not matter
    rows = spark_build.compare_stores(a, b)
    assert [r["table"] for r in rows] == ["cube_cases_daily"]
    assert spark_build._print_comparison(rows)


def test_a_changed_count_a_lost_row_or_a_lost_table_differ(tmp_path):
    a = _store(tmp_path / "a.duckdb", [5, 7, 11], extra=True)
    assert not spark_build._print_comparison(
        spark_build.compare_stores(a, _store(tmp_path / "b.duckdb", [5, 7, 12], extra=True)))
    assert not spark_build._print_comparison(
        spark_build.compare_stores(a, _store(tmp_path / "c.duckdb", [5, 7], extra=True)))
    rows = spark_build.compare_stores(a, _store(tmp_path / "d.duckdb", [5, 7, 11]))
    assert not spark_build._print_comparison(rows)
    assert next(r for r in rows if r["table"] == "kpi_weekly")["rows"] is None
