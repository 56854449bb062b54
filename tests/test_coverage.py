"""Coverage, not zeros (issue #15 points 1 and 4): two exports years apart, a history that
starts mid-series, and date-only timestamps, each loaded through the real ingest into a real
DuckDB file, with answers known by construction."""
from __future__ import annotations

import numpy as np
import pandas as pd
from analytics import coverage, db
from analytics.ingest import ingest_file
from analytics.spikes import triage


def export(path, start: str, days: int, per_day, *, market: str = "KZ", prefix: str = "C",
           date_only: bool = False, seed: int = 0) -> str:
    """A case export with `per_day` cases a day (a number, or one per day) from `start`."""
    rng = np.random.default_rng(seed)
    counts = np.broadcast_to(per_day, days)
    rows = []
    for offset, n in enumerate(counts):
        day = pd.Timestamp(start) + pd.Timedelta(days=offset)
        for k in range(int(n)):
            at = day + pd.Timedelta(seconds=int(rng.integers(2 * 3600, 10 * 3600)))
            rows.append({"case_id": f"{prefix}{offset}-{k}",
                         "created_at": f"{day:%Y-%m-%d}" if date_only else f"{at:%Y-%m-%d %H:%M:%S}",
                         "market": market, "abuse_category": "spam", "source": "user_report",
                         "status": "open"})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def detect(db_path, grain="day"):
    with db.reader(db_path) as con:
        return triage.detect(con, grain=grain)


def test_two_exports_years_apart_are_no_spike(tmp_path):
    # 60 quiet days in 2022, then 60 in 2025 at the same level: the years between are missing,
    # not zero, so the second export's first days are no surge of "all cases".
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "a.csv", "2022-03-01", 60, 30, prefix="A"), kind="cases", db_path=path)
    ingest_file(export(tmp_path / "b.csv", "2025-06-01", 60, 30, prefix="B", seed=1), kind="cases",
                db_path=path)
    scored, events = detect(path)
    assert events.empty, events[["segment", "start", "observed", "expected"]]
    gap = scored[(scored["bucket"] > "2022-05-01") & (scored["bucket"] < "2025-06-01")]
    assert gap.empty   # no bucket between the exports was scored


def test_a_new_export_starts_its_own_warm_up_after_a_long_gap(tmp_path):
    # the second export is three times the first: after years, that is a new level, not a spike
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "a.csv", "2022-03-01", 60, 10, prefix="A"), kind="cases", db_path=path)
    ingest_file(export(tmp_path / "b.csv", "2025-06-01", 60, 30, prefix="B"), kind="cases", db_path=path)
    _, events = detect(path)
    assert events.empty


def test_a_spike_inside_coverage_is_still_found(tmp_path):
    per_day = np.full(70, 20)
    per_day[55] = 90
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "a.csv", "2025-01-06", 70, per_day), kind="cases", db_path=path)
    _, events = detect(path)
    assert {pd.Timestamp(e).date().isoformat() for e in events["peak"]} == {"2025-03-02"}


def test_coverage_windows_and_date_only_exports(tmp_path):
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "a.csv", "2025-01-01", 40, 12, prefix="A"), kind="cases", db_path=path)
    ingest_file(export(tmp_path / "b.csv", "2025-03-01", 40, 12, prefix="B", date_only=True),
                kind="cases", db_path=path)
    with db.reader(path) as con:
        cover = coverage.load(con)
    windows = cover.windows.sort_values("first_date")
    assert [str(pd.Timestamp(d).date()) for d in windows["first_date"]] == ["2025-01-01", "2025-03-01"]
    assert windows["is_date_only"].tolist() == [False, True]
    days = pd.date_range("2025-02-08", "2025-03-02")
    assert cover.mask(days, "day").tolist() == [True, True] + [False] * 19 + [True, True]
    hours = pd.date_range("2025-03-05", periods=24, freq="h")
    assert not cover.mask(hours, "hour").any()   # a date-only export covers no hour


def test_date_only_timestamps_give_no_hourly_events(tmp_path):
    # 60 days of dates without times: every case lands on one hour of its day. Read as hours,
    # that is a daily "burst" at midnight; there must be no hourly series at all.
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "a.csv", "2025-01-01", 60, 40, date_only=True), kind="cases",
                db_path=path)
    scored, events = detect(path, grain="hour")
    assert events.empty and scored.empty
    with db.reader(path) as con:
        assert not coverage.load(con).has_time_of_day


def _poisson_cases(first_day: str, as_of: str, rate: float, seed: int = 3) -> pd.DataFrame:
    days = pd.date_range(first_day, as_of)
    counts = np.random.default_rng(seed).poisson(rate, len(days))
    return pd.DataFrame({"created_date": np.repeat(days, counts), "market": "KZ",
                         "abuse_category": "scam", "source": "user_report"})


def test_a_history_that_starts_inside_the_window_is_not_a_rise():
    # 73 days of a steady 60 a day (the NYC sample's length): the 40 days of the trend window
    # before the first case are unknown, not zero, so nothing "doubled"
    from analytics.trends.segments import detect_segment_trends

    cases = _poisson_cases("2025-01-01", "2025-03-14", 60)
    found = detect_segment_trends(cases, "2025-03-14")
    assert not found["is_anomaly"].any()
    assert found["growth"].max() < 1.3, found[["dimension", "growth"]]


def test_coverage_starts_the_trend_history_even_where_a_segment_starts_later():
    # the export covers from January; a category that starts in February at a steady level
    # is new wording of the data, not a rise, once it has been there for weeks
    from analytics.trends.segments import detect_segment_trends

    cases = pd.concat([_poisson_cases("2025-01-01", "2025-04-14", 40),
                       _poisson_cases("2025-02-01", "2025-04-14", 20, seed=4)
                       .assign(abuse_category="spam")])
    found = detect_segment_trends(cases, "2025-04-14", covered_since=pd.Timestamp("2025-01-01"))
    assert not found["is_anomaly"].any(), found.loc[found["is_anomaly"], ["dimension", "growth"]]


def test_too_little_covered_history_gives_no_segment_trend_at_all():
    from analytics.trends.segments import detect_segment_trends

    cases = _poisson_cases("2025-03-01", "2025-03-14", 60)
    assert detect_segment_trends(cases, "2025-03-14").empty


def test_the_spikes_page_says_why_there_is_no_hourly_view(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from analytics import settings

    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "a.csv", "2025-01-01", 60, 40, date_only=True), kind="cases",
                db_path=path)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"grain": "hour"})
    at.run()
    at.switch_page("ui/pages/spikes.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("dates without times of day" in i.value for i in at.info), [i.value for i in at.info]
