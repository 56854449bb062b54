"""The business clock read through equi-joins (stg_business_intervals_lookup, used by
stg_cases_business_time) gives exactly what the ASOF joins it replaced gave
(tests/fixtures/business_clock/stg_cases_business_time_asof.sql, the earlier definition), on
seeded random cases: markets with and without daylight saving (GB, US, AU, KZ, IN at +05:30),
a Friday-Saturday weekend (SA), a subdivision (US-NY), labels without a calendar, times on and
one second either side of every kind of edge (opening, closing, local midnight, holidays,
weekends), before and after the calendar's span, fractional seconds, missing times, exported
due times and policy due times."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from vendor_fixture import case, load

from analytics import db

ASOF_VIEW = (Path(__file__).parents[1] / "fixtures" / "business_clock"
             / "stg_cases_business_time_asof.sql")
MARKETS = ["GB", "US", "AU", "KZ", "IN", "SA", "US-NY", "Location 7", None]
CALENDAR = {"GB": "GB", "US": "US", "AU": "AU", "KZ": "KZ", "IN": "IN", "SA": "SA", "US-NY": "US"}
SOURCES = ["user_report", "regulator", "legal", "advertiser", "internal"]
PRIORITIES = ["P0", "P1", "P2", "P3"]
N_CASES = 4000


def _edges(intervals: pd.DataFrame, markets: list, rng: np.random.Generator) -> pd.Series:
    """Per case, a UTC time on or one second around an opening or closing of its market's
    calendar, or a UTC midnight near one (weekends, holidays); random for markets without one."""
    n = len(markets)
    calendar = [CALENDAR.get(m) for m in markets]
    out = _random_times(rng, n)
    for code, days in intervals.groupby("market"):
        idx = np.flatnonzero([c == code for c in calendar])
        rows = days.iloc[rng.integers(0, len(days), len(idx))].reset_index(drop=True)
        base = np.where(rng.random(len(idx)) < 0.5, rows["start_at"], rows["end_at"])
        base = np.where(rng.random(len(idx)) < 0.2, rows["start_at"].dt.floor("D"), base)
        jitter = rng.choice([-1, 0, 0, 1, -86400, 86400, 3 * 86400], len(idx))
        out.iloc[idx] = pd.to_datetime(base) + pd.to_timedelta(jitter, unit="s")
    return out


def _random_times(rng: np.random.Generator, n: int) -> pd.Series:
    """Uniform over 2014-06 .. 2028-06 (the calendar spans 2015-2027), some with a fraction."""
    start, end = pd.Timestamp("2014-06-01").value, pd.Timestamp("2028-06-01").value
    ns = rng.integers(start // 10**9, end // 10**9, n) * 10**9
    ns += np.where(rng.random(n) < 0.1, 500_000_000, 0)
    return pd.Series(pd.to_datetime(ns))


def _cases(intervals: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    n = N_CASES
    markets = [MARKETS[i] for i in rng.integers(0, len(MARKETS), n)]
    created = _edges(intervals, markets, rng).where(rng.random(n) < 0.6, _random_times(rng, n))

    def later(share_null: float) -> pd.Series:
        steps = rng.choice([0, 1, 3599, 3600, 32400, 86400, 3 * 86400, 20 * 86400], n)
        offset = pd.to_timedelta(steps + rng.integers(0, 3600, n) * (rng.random(n) < 0.5), unit="s")
        out = _edges(intervals, markets, rng).where(rng.random(n) < 0.3, created + offset)
        out = out.where(out >= created, created)
        return out.where(rng.random(n) >= share_null)
    first_response, resolved, due = later(0.2), later(0.3), later(0.7)
    stamp = lambda s, i: None if pd.isna(s[i]) else s[i].isoformat()  # noqa: E731
    # P2 user reports (72 policy hours = 8 working days of 9 h) opened on an edge: the policy
    # due reading is exactly an interval's clock_start_s, due at the earlier day's close
    return [case(f"c{i}", stamp(created, i), market=markets[i], resolved_at=stamp(resolved, i),
                 first_response_at=stamp(first_response, i),
                 sla_due_at=None if i % 5 == 0 else stamp(due, i),
                 source="user_report" if i % 5 == 0 else SOURCES[rng.integers(0, len(SOURCES))],
                 priority="P2" if i % 5 == 0 else PRIORITIES[rng.integers(0, len(PRIORITIES))])
            for i in range(n)]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clock_lookup") / "c.duckdb"
    with db.writer(path):   # an empty database: the calendar's intervals, to aim times at edges
        pass
    with db.reader(path) as con:
        intervals = con.sql("select market, start_at, end_at from stg_business_intervals "
                            "where market in ('GB', 'US', 'AU', 'KZ', 'IN', 'SA')").df()
    load(path, _cases(intervals, np.random.default_rng(7)))
    return path


def _differing_rows(con, left: str, right: str) -> int:
    columns = [row[0] for row in con.sql(f"describe {left}").fetchall()]
    listed = ", ".join(columns)
    return con.execute(f"select count(*) from (select {listed} from {left} except all "
                       f"select {listed} from {right})").fetchall()[0][0]


def test_lookup_clock_equals_the_asof_clock_on_random_cases(loaded):
    with db.reader(loaded) as con:
        con.execute(ASOF_VIEW.read_text(encoding="utf-8"))
        old, new = "stg_cases_business_time_asof", "stg_cases_business_time"
        assert [r[0] for r in con.sql(f"describe {old}").fetchall()] == \
               [r[0] for r in con.sql(f"describe {new}").fetchall()]
        assert con.execute(f"select count(*) from {new}").fetchall() == [(N_CASES,)]
        assert _differing_rows(con, old, new) == 0
        assert _differing_rows(con, new, old) == 0
        # the data reach every branch: business and calendar time, before and after the span
        mix = con.execute(f"""
            select count(*) filter (where is_business_time),
                   count(*) filter (where not is_business_time and calendar_market is null
                                    and market in ('GB', 'SA')),   -- before the span
                   count(*) filter (where is_business_time and created_at >= '2028-01-01'),
                   count(*) filter (where is_business_time and sla_due_at is null
                                    and sla_due_business_at is not null),
                   count(*) filter (where resolution_business_s = 0 and resolved_at > created_at)
            from {new}""").fetchall()[0]
        assert all(n > 0 for n in mix), mix


def test_materialised_table_equals_the_asof_clock(loaded):
    """case_business_time (what the marts read) holds the ASOF definition's values."""
    with db.reader(loaded) as con:
        con.execute(ASOF_VIEW.read_text(encoding="utf-8"))
        columns = [r[0] for r in con.sql("describe case_business_time").fetchall()
                   if r[0] not in ("closed_date", "cell_sla_met_rate")]
        listed = ", ".join(columns)
        query = (f"select count(*) from (select {listed} from case_business_time except all "
                 f"select {listed} from stg_cases_business_time_asof)")
        assert con.execute(query).fetchall() == [(0,)]


def test_lookup_has_one_row_per_bucket(loaded):
    """No case can be joined twice: (lookup, market, k) is a key, and k runs 0..last_k."""
    with db.reader(loaded) as con:
        rows = con.execute("""
            select count(*), count(distinct (lookup, market, k)),
                   count(*) filter (where k > last_k or k < 0)
            from stg_business_intervals_lookup""").fetchall()[0]
        stored_differs = con.execute("""
            select count(*) from (
                (select * from stg_business_intervals_lookup
                 except all select * from business_intervals_lookup)
                union all
                (select * from business_intervals_lookup
                 except all select * from stg_business_intervals_lookup))""").fetchall()[0][0]
    assert rows[0] == rows[1] and rows[2] == 0
    assert stored_differs == 0   # the stored lookup the clock reads is the view's


def test_lookup_clock_equals_the_asof_clock_with_uneven_working_days(loaded, tmp_path):
    """Working days of unequal length (a short Saturday in GB, KZ and SA: 10:00-12:20), so
    interval clock starts are not multiples of the bucket width and both buckets' edges matter."""
    import shutil
    path = tmp_path / "uneven.duckdb"
    shutil.copyfile(loaded, path)
    with db.writer(path, derived="keep") as con:
        con.execute("insert into market_working_hours values ('GB', 6, '10:00', '12:20'), "
                    "('KZ', 6, '10:00', '12:20'), ('SA', 6, '10:00', '12:20')")
        db.build_derived(con, {"11_business_intervals_lookup"})   # as a calendar change does
        con.execute(ASOF_VIEW.read_text(encoding="utf-8"))
        assert con.execute("select min(width) from stg_business_intervals_lookup "
                           "where lookup = 'reading'").fetchall() == [(8400,)]
        assert _differing_rows(con, "stg_cases_business_time_asof", "stg_cases_business_time") == 0
        assert _differing_rows(con, "stg_cases_business_time", "stg_cases_business_time_asof") == 0
