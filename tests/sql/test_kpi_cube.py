"""The KPI marts' tables kept at ingest (sql/derived/70-74, analytics/ingest/kpi_cube.py): the
log-bucket sketch stays within its stated error bound of quantile_cont, the marts read whole
weeks from the tables and agree with the exact path over the fact table, the exact path with
market / category / source filters equals pandas over the fact rows, and an ingest's
incremental maintenance equals a from-scratch build."""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from aggregates_fixture import HEADER, always_incremental, rebuilt, write_export  # noqa: F401
from marts_fixture import ALL, generated_log, load_log

from analytics import db
from analytics.ingest import ingest_file, kpi_cube

BOUND = 1 / 101   # (g - 1) / (g + 1) for g = 1.02: sql/derived/72_kpi_sketch_daily.sql
TABLES = kpi_cube.TABLES
QUANTILES = ["first_response_median_s", "first_response_p90_s", "resolution_median_s",
             "resolution_p90_s"]
MONDAY = dt.date(2025, 3, 3)


def within_bound(got, exact) -> bool:
    if exact is None or pd.isna(exact):
        return got is None or pd.isna(got)
    return abs(got - exact) <= BOUND * abs(exact) + 1e-9


# --- the sketch alone, on durations of every shape ----------------------------------------

def fact_con(rows: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding just a fact table and the KPI tables built from it."""
    con = duckdb.connect()
    con.register("rows", rows)
    con.execute("create table fact_case_activity as select * from rows")
    db.build_derived(con, kpi_cube.DERIVED)
    return con


def fact_rows(created: list[int], resolved: list[int], days: list[int], segments: list[str]):
    """created / resolved durations in seconds, spread over three whole weeks from MONDAY."""
    def cohort(activity, values, column):
        n = len(values)
        return pd.DataFrame({
            "activity": activity,
            "activity_date": [MONDAY + dt.timedelta(days=days[i % len(days)]) for i in range(n)],
            "market": [segments[i % len(segments)] for i in range(n)],
            "abuse_category": "scam", "source": "user_report", "vendor": None,
            "language": "ru", "priority": "P2", "is_sla_met_effective": True,
            "first_response_s": pd.array(values if column == "first_response_s" else [None] * n,
                                         dtype="Int64"),
            "resolution_s": pd.array(values if column == "resolution_s" else [None] * n,
                                     dtype="Int64"),
            "is_appealed": False, "appeal_outcome": None})
    return pd.concat([cohort("created", created, "first_response_s"),
                      cohort("resolved", resolved, "resolution_s")], ignore_index=True)


durations = st.one_of(
    st.lists(st.integers(0, 10), min_size=1, max_size=5),                   # tiny cells, zeros
    st.lists(st.integers(1, 2_000_000), min_size=1, max_size=200),            # wide uniform
    st.builds(lambda seed, n: list(np.random.default_rng(seed).lognormal(8, 2.5, n).astype(int)),
              st.integers(0, 10**6), st.integers(1, 400)),                    # skewed
    st.builds(lambda seed, n: list((np.random.default_rng(seed).pareto(0.7, n) * 60 + 1)
                                   .astype(int)),
              st.integers(0, 10**6), st.integers(1, 400)),                    # heavy tail
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(created=durations, resolved=durations,
       days=st.lists(st.integers(0, 20), min_size=1, max_size=6),
       segments=st.lists(st.sampled_from(["KZ", "RU", "GB"]), min_size=1, max_size=3))
def test_sketch_quantiles_are_within_the_stated_bound_of_quantile_cont(created, resolved, days,
                                                                       segments):
    rows = fact_rows(created, resolved, days, segments)
    con = fact_con(rows)
    got = db.query_df(con, "marts/kpi_by_segment", **ALL).set_index(["dimension", "segment"])
    for (dimension, segment), row in got.iterrows():
        part = rows if dimension == "all" else rows[rows[dimension].fillna("(unknown)") == segment]
        for column, activity, values in (("first_response", "created", "first_response_s"),
                                         ("resolution", "resolved", "resolution_s")):
            values = part.loc[part["activity"] == activity, values].dropna().astype(float)
            for q, suffix in ((0.5, "median_s"), (0.9, "p90_s")):
                exact = np.quantile(values, q) if len(values) else None   # linear = quantile_cont
                assert within_bound(row[f"{column}_{suffix}"], exact), (dimension, segment, q)


def test_a_period_without_a_whole_week_is_exact():
    rows = fact_rows([100, 200, 400], [1000, 5000], [0, 1, 2], ["KZ"])
    con = fact_con(rows)
    got = db.query_df(con, "marts/kpi_by_segment", **ALL | dict(
        start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=5)))   # Monday to Saturday
    everything = got[got["dimension"] == "all"].iloc[0]
    assert (everything["first_response_median_s"], everything["resolution_median_s"]) == (200, 3000)


# --- the marts on a generated log: tables for whole weeks, fact rows for the rest ---------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("kpi_cube") / "generated.duckdb"
    load_log(path, *generated_log(np.random.default_rng(11), n_cases=3000, n_reviews=10))
    with db.reader(path) as con:
        yield con


def test_kpi_weekly_filled_a_week_at_a_time_equals_one_pass(generated, monkeypatch):
    """kpi_weekly is filled in chunks of weeks (db.CHUNKED_FILLS: exact quantiles cannot spill);
    the chunk size must not change a row."""
    def weekly(days: int) -> pd.DataFrame:
        monkeypatch.setattr(db, "FILL_CHUNK_DAYS", days)
        con = duckdb.connect()
        con.register("rows", generated.execute("select * from fact_case_activity").df())
        con.execute("create table fact_case_activity as select * from rows")
        db.build_derived(con, {"70_kpi_weekly"})
        return con.execute("select * from kpi_weekly order by all").df()
    one_week, one_pass = weekly(7), weekly(100_000)
    assert one_week["week_start"].nunique() > 4
    pd.testing.assert_frame_equal(one_week, one_pass)


def exact_params(con, **params) -> dict:
    """The same period through the exact path: every market named is no filter in effect."""
    markets = [m for (m,) in con.execute("select distinct market from cases").fetchall()]
    return ALL | params | dict(markets=markets)


@pytest.mark.parametrize("period", [
    dict(),                                                             # all time: whole weeks
    dict(start_date=dt.date(2025, 1, 3), end_date=dt.date(2025, 1, 29)),  # cut weeks at both ends
    dict(start_date=dt.date(2025, 1, 13), end_date=dt.date(2025, 1, 26)),  # exactly two weeks
])
def test_kpi_by_segment_from_the_tables_agrees_with_the_exact_path(generated, period):
    sketched = db.query_df(generated, "marts/kpi_by_segment", **ALL | period)
    exact = db.query_df(generated, "marts/kpi_by_segment", **exact_params(generated, **period))
    key = ["dimension", "segment"]
    sketched, exact = sketched.set_index(key).sort_index(), exact.set_index(key).sort_index()
    assert sketched.index.equals(exact.index)
    counts = [c for c in exact.columns if c not in QUANTILES]
    pd.testing.assert_frame_equal(sketched[counts], exact[counts])
    for column in QUANTILES:
        for got, want in zip(sketched[column], exact[column]):
            assert within_bound(got, want), column
    assert (sketched[QUANTILES] != exact[QUANTILES]).any().any()   # the sketch was read


def test_kpi_summary_matches_the_all_row_of_kpi_by_segment(generated):
    period = dict(start_date=dt.date(2025, 1, 3), end_date=dt.date(2025, 1, 29))
    summary = db.query_df(generated, "marts/kpi_summary", **ALL | period, as_of=None).iloc[0]
    segments = db.query_df(generated, "marts/kpi_by_segment", **ALL | period)
    everything = segments[segments["dimension"] == "all"].iloc[0]
    shared = [c for c in segments.columns if c in summary.index]
    assert summary[shared].tolist() == everything[shared].tolist()


@pytest.mark.parametrize("period", [dict(), dict(start_date=dt.date(2025, 1, 3),
                                                 end_date=dt.date(2025, 1, 29))])
def test_kpi_by_segment_week_reads_whole_weeks_exactly_and_cut_weeks_within_the_bound(generated,
                                                                                     period):
    key = ["week_start", "dimension", "segment"]
    kept = db.query_df(generated, "marts/kpi_by_segment_week", **ALL | period)
    exact = db.query_df(generated, "marts/kpi_by_segment_week", **exact_params(generated, **period))
    kept, exact = kept.set_index(key).sort_index(), exact.set_index(key).sort_index()
    assert kept.index.equals(exact.index)
    counts = [c for c in exact.columns if c not in QUANTILES]
    pd.testing.assert_frame_equal(kept[counts], exact[counts])
    whole = [dt.date(2025, 1, 6) <= week <= dt.date(2025, 1, 20) or not period
             for week in kept.index.get_level_values("week_start")]
    pd.testing.assert_frame_equal(kept[whole], exact[whole])       # whole weeks: exact
    for column in QUANTILES:                                         # cut weeks: the sketch
        for got, want in zip(kept.loc[[not w for w in whole], column],
                             exact.loc[[not w for w in whole], column]):
            assert within_bound(got, want), column


# --- filtered periods: the fact path, exact, against pandas over the fact rows ------------------

DIMENSIONS = ["market", "abuse_category", "source", "vendor", "language", "priority"]


def reference_kpis(fact: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """kpi_by_segment's columns per `by` + dimension + segment, computed in pandas: counts, and
    medians / p90s by numpy's linear quantile (quantile_cont's definition)."""
    long = pd.concat([fact.assign(dimension=d, segment=fact[d].astype(object).fillna("(unknown)"))
                      for d in DIMENSIONS] + [fact.assign(dimension="all", segment="all")])
    created, resolved = long["activity"] == "created", long["activity"] == "resolved"
    long = long.assign(
        cases=created, resolved_cases=resolved,
        sla_met=resolved & (long["is_sla_met_effective"] == True),       # noqa: E712
        sla_breached=resolved & (long["is_sla_met_effective"] == False),  # noqa: E712
        appealed_cases=resolved & (long["is_appealed"] == True),          # noqa: E712
        overturned_cases=resolved & (long["appeal_outcome"] == "overturned"),
        decided_appeals=resolved & long["appeal_outcome"].isin(["upheld", "overturned"]),
        first_response=long["first_response_s"].where(created).astype(float),
        resolution=long["resolution_s"].where(resolved).astype(float))
    def quantile(q):
        return lambda v: np.quantile(v.dropna(), q) if v.notna().any() else np.nan
    return long.groupby(by + ["dimension", "segment"]).agg(
        cases=("cases", "sum"), resolved_cases=("resolved_cases", "sum"),
        sla_met=("sla_met", "sum"), sla_breached=("sla_breached", "sum"),
        first_response_median_s=("first_response", quantile(0.5)),
        first_response_p90_s=("first_response", quantile(0.9)),
        resolution_median_s=("resolution", quantile(0.5)),
        resolution_p90_s=("resolution", quantile(0.9)),
        appealed_cases=("appealed_cases", "sum"), overturned_cases=("overturned_cases", "sum"),
        decided_appeals=("decided_appeals", "sum"))


def assert_kpis_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Counts equal; medians and p90s equal to rounding (the fact path is exact)."""
    got = got.loc[want.index]
    counts = [c for c in want.columns if c not in QUANTILES]
    assert got[counts].astype("int64").equals(want[counts].astype("int64"))
    for column in QUANTILES:
        np.testing.assert_allclose(got[column].astype(float), want[column].astype(float),
                                   rtol=1e-9, equal_nan=True, err_msg=column)


def subset(values):
    return st.one_of(st.none(), st.lists(st.sampled_from(values), min_size=1, max_size=3,
                                         unique=True))


filters = st.fixed_dictionaries({
    "markets": subset(["KZ", "GB", "US", "Online", "nowhere"]),
    "categories": subset(["scam", "hate", "spam"]),
    "sources": subset(["user_report", "regulator", "legal", "advertiser", "nowhere"]),
}).filter(lambda f: any(v is not None for v in f.values()))   # at least one filter set


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=filters, first=st.integers(0, 40), days=st.integers(0, 30))
def test_filtered_kpi_marts_equal_pandas_over_the_fact_rows(generated, chosen, first, days):
    start = dt.date(2025, 1, 1) + dt.timedelta(days=first)
    params = ALL | chosen | dict(start_date=start, end_date=start + dt.timedelta(days=days))
    fact = generated.execute("select * from fact_case_activity").df()
    keep = fact["activity_date"].dt.date.between(params["start_date"], params["end_date"])
    for column, chosen_values in (("market", chosen["markets"]),
                                  ("abuse_category", chosen["categories"]),
                                  ("source", chosen["sources"])):
        if chosen_values is not None:
            keep &= fact[column].isin(chosen_values)
    fact = fact[keep]

    by_segment = db.query_df(generated, "marts/kpi_by_segment", **params)
    want = reference_kpis(fact.assign(period="p"), ["period"]).droplevel("period")
    if want.empty:   # an empty period still has its 'all' row, of zeros
        assert by_segment[["dimension", "segment", "cases"]].values.tolist() == [["all", "all", 0]]
    else:
        got = by_segment.set_index(["dimension", "segment"])
        assert sorted(got.index) == sorted(want.index)
        assert_kpis_equal(got, want)

    summary = db.query_df(generated, "marts/kpi_summary", **params, as_of=None)
    everything = by_segment[by_segment["dimension"] == "all"].reset_index(drop=True)
    shared = [c for c in everything.columns if c in summary.columns]
    pd.testing.assert_frame_equal(summary[shared], everything[shared])

    weekly = db.query_df(generated, "marts/kpi_by_segment_week", **params)
    week_start = fact["activity_date"] - pd.to_timedelta(fact["activity_date"].dt.day_of_week, "D")
    want = reference_kpis(fact.assign(week_start=week_start.dt.date), ["week_start"])
    got = weekly.set_index(["week_start", "dimension", "segment"])
    assert sorted(got.index) == sorted(want.index)
    if not want.empty:
        assert_kpis_equal(got, want)


# --- incremental maintenance at ingest equals a rebuild ---------------------------------------

def snapshot(path) -> dict[str, pd.DataFrame]:
    with db.reader(path) as con:
        frames = {name: con.execute(f"select * from {name}").df() for name in TABLES}
    return {name: frame.sort_values(list(frame.columns)).reset_index(drop=True)
            for name, frame in frames.items()}


def case_row(case_id, version, *, market, category, status, day, took_h, priority):
    created = pd.Timestamp("2025-03-01 09:00") + pd.Timedelta(days=day)
    resolved = created + pd.Timedelta(hours=took_h) if status == "resolved" else None
    return {"case_id": case_id, "created_at": str(created),
            "updated_at": f"2025-06-01 00:{version:02d}:00",
            "resolved_at": str(resolved) if resolved is not None else "",
            "status": status, "market": market, "abuse_category": category,
            "source": "user_report", "language": "ru", "priority": priority}


version_of_case = st.fixed_dictionaries({
    "case_id": st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
    "market": st.sampled_from(["KZ", "RU", ""]),
    "category": st.sampled_from(["scam", "fraud", ""]),
    "status": st.sampled_from(["open", "resolved"]),
    "day": st.integers(0, 30),
    "took_h": st.sampled_from([1, 30, 200, 900]),
    "priority": st.sampled_from(["P0", "P2"]),
})


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(exports=st.lists(st.lists(version_of_case, min_size=1, max_size=6), min_size=2, max_size=4))
def test_incremental_kpi_tables_equal_a_rebuild(tmp_path_factory, always_incremental, exports):
    folder = tmp_path_factory.mktemp("kpi")
    path = folder / "k.duckdb"
    for number, rows in enumerate(exports, start=1):
        export = [case_row(r["case_id"], number, **{k: v for k, v in r.items() if k != "case_id"})
                  for r in rows]
        ingest_file(write_export(folder, f"{number}.csv", export), db_path=path)
    incremental = snapshot(path)
    with db.writer(path):   # derived="rebuild": every sql/derived/ file from scratch
        pass
    for name, frame in snapshot(path).items():
        pd.testing.assert_frame_equal(incremental[name], frame, check_dtype=True, obj=name)
