"""Tests for analytics/views/: small frames whose right answer is known by hand."""
import datetime as dt
import doctest
import io

import pandas as pd
import pytest

from analytics import views
from analytics.views import downloads, kpi, periods
from analytics.views import ingests as ingest_views
from analytics.views import spikes as spike_views
from analytics.views import trends as trend_views

D = dt.date


def test_previous_window_has_equal_length_and_ends_the_day_before():
    start, end = D(2026, 1, 1), D(2026, 3, 31)
    previous_start, previous_end = views.previous_window(start, end)
    assert previous_end == D(2025, 12, 31)
    assert previous_end - previous_start == end - start


@pytest.mark.parametrize("day", [D(2026, 3, 22) + dt.timedelta(days=i) for i in range(14)])
def test_last_complete_week_is_a_monday_whose_sunday_is_complete(day):
    monday = views.last_complete_week(day)
    assert monday.weekday() == 0
    assert monday + dt.timedelta(days=6) <= day < monday + dt.timedelta(days=13)


def _volume():
    return pd.DataFrame({
        "created_date": [D(2026, 1, 1)] * 4 + [D(2026, 1, 2)] * 2,
        "market": ["KZ", "KZ", "UZ", None, "KZ", "GB"],
        "abuse_category": ["scam", "spam", "scam", "scam", "scam", "hate"],
        "source": ["legal", "legal", "regulator", "legal", "legal", "legal"],
        "cases": [5, 1, 2, 7, 3, 1],
        "sla_met": [4, 1, 0, 0, 0, 0],
        "sla_breached": [1, 0, 2, 0, 0, 0],
    })


def test_filter_options_are_sorted_and_leave_out_nulls():
    options = views.filter_options(_volume())
    assert options == {"markets": ["GB", "KZ", "UZ"], "categories": ["hate", "scam", "spam"],
                       "sources": ["legal", "regulator"], "markets_by_cases": ["KZ", "UZ", "GB"]}


def test_top_n_folds_the_rest_into_other_and_keeps_totals():
    frame = views.top_n(_volume(), "market", "cases", n=2)
    assert set(frame["market"]) == {"KZ", views.UNKNOWN, views.OTHER}  # KZ 9, blank 7; UZ 2, GB 1
    assert frame["cases"].sum() == _volume()["cases"].sum()


def test_daily_series_sums_per_day_and_group():
    total = views.daily_series(_volume())
    assert total["cases"].tolist() == [15, 4]
    by_market = views.daily_series(_volume(), by="market", n=1)
    first_day = by_market[by_market["created_date"] == pd.Timestamp(2026, 1, 1)]
    assert dict(zip(first_day["market"], first_day["cases"])) == {"KZ": 6, views.OTHER: 9}


def test_daily_backlog_sums_markets_per_date():
    frame = pd.DataFrame({"date": [D(2026, 1, 2), D(2026, 1, 1), D(2026, 1, 1)],
                          "market": ["KZ", "KZ", "UZ"], "opened": [1, 2, 3], "closed": [0, 1, 1],
                          "open_backlog": [2, 1, 2]})
    out = views.daily_backlog(frame)
    assert out["open_backlog"].tolist() == [3, 2]
    assert out["date"].is_monotonic_increasing


def _weekly():
    weeks = [D(2026, 1, 5), D(2026, 1, 12)]
    rows = [("market", m, w, c, v) for m, c, v in [("KZ", 10, 90.0), ("UZ", 3, 50.0),
                                                    ("GB", 6, 70.0)] for w in weeks]
    rows.append(("all", None, weeks[0], 19, 80.0))
    return pd.DataFrame(rows, columns=["dimension", "segment", "week_start", "cases",
                                       "sla_attainment_pct"])


def test_heatmap_pivot_orders_segments_by_cases_and_keeps_top_n():
    pivot = views.heatmap_pivot(_weekly(), "market", "sla_attainment_pct", n=2)
    assert pivot.index.tolist() == ["KZ", "GB"]
    assert pivot.shape == (2, 2)
    assert pivot.loc["KZ"].tolist() == [90.0, 90.0]


def test_segments_labels_blanks_and_sorts_by_cases():
    frame = pd.DataFrame({"dimension": ["vendor"] * 3 + ["market"], "segment": ["a", None, "b", "KZ"],
                          "cases": [1, 5, 3, 9]})
    assert views.segments(frame, "vendor")["segment"].tolist() == [views.UNKNOWN, "b", "a"]


def test_vendor_scorecard_pools_sums_rather_than_averaging_rates():
    daily = pd.DataFrame({
        "decided_date": [D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 5)],
        "vendor": ["Acme", "Acme", "Beta"], "market": ["KZ", "UZ", "KZ"],
        "decisions": [10, 30, 5], "handle_time_sum_s": [1000.0, 1400.0, 500.0],
        "qa_sampled": [10, 0, 0], "qa_correct": [9, 0, 0], "reviewers": [2, 4, 1]})
    card = views.vendor_scorecard(daily).set_index("vendor")
    assert card.loc["Acme", "decisions"] == 40
    assert card.loc["Acme", "handle_time_mean_s"] == pytest.approx(60.0)
    assert card.loc["Acme", "qa_accuracy_pct"] == pytest.approx(90.0)
    assert pd.isna(card.loc["Beta", "qa_accuracy_pct"])
    weekly = views.weekly_vendor_quality(daily)
    assert weekly["week_start"].dt.day_of_week.eq(0).all()


def test_csv_starts_with_bom_and_round_trips_cyrillic():
    frame = pd.DataFrame({"case_id": ["c1"], "summary": ["Мошенничество, алаяқтық"]})
    data = views.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back.columns.tolist() == ["case_id", "summary"]  # no BOM glued to the first header
    assert back["summary"][0] == frame["summary"][0]


def test_xlsx_opens_with_the_same_rows():
    frame = pd.DataFrame({"case_id": ["c1", "c2"], "created_at": pd.to_datetime(["2026-01-01", None]),
                          "summary": ["Мошенничество", None]})
    back = pd.read_excel(io.BytesIO(views.xlsx_bytes(frame)))
    assert back["case_id"].tolist() == ["c1", "c2"]
    assert back["summary"][0] == "Мошенничество"


@pytest.mark.parametrize("module", [periods, kpi, downloads, ingest_views, spike_views, trend_views])
def test_doctests_pass(module):
    assert doctest.testmod(module).failed == 0


def _events():
    return pd.DataFrame({
        "event_id": ["e1", "e2"], "metric": ["cases", "sla_breach_rate"],
        "segment": [{"market": "KZ", "abuse_category": "scam"}, {}],
        "start": pd.to_datetime(["2026-03-02 00:00", "2026-03-05 13:00"]),
        "end": pd.to_datetime(["2026-03-03 00:00", "2026-03-05 14:00"]),
        "observed": [40, 9], "expected": [10.0, 3.0], "excess": [30.0, 6.0],
        "score": [0.9, 0.5], "p_value": [1e-9, 1e-4]})


def _triage():
    return pd.DataFrame({"event_id": ["e2"], "verdict": ["expected"], "owner": ["aigerim"],
                         "note": ["campaign"]})


def test_spike_inbox_words_stamps_and_verdicts():
    table = spike_views.inbox(_events(), _triage(), "day")
    assert list(table.columns) == spike_views.INBOX
    assert list(table["event"]) == ["KZ × scam", "all cases"]
    assert set(table["severity"]) <= {"low", "medium", "high", "critical"}
    assert list(table["start"]) == ["2026-03-02", "2026-03-05"]
    assert list(table["verdict"]) == ["", "expected"]
    hourly = spike_views.inbox(_events(), _triage().iloc[:0], "hour")
    assert list(hourly["end"]) == ["2026-03-03 00:00", "2026-03-05 14:00"]
    assert list(hourly["verdict"]) == ["", ""]


def test_spike_names_records_and_verdicts():
    events = _events()
    assert spike_views.names(events) == {
        "e1": "KZ × scam · 2026-03-02", "e2": "all cases · 2026-03-05 13:00 · SLA breach rate"}
    event = spike_views.record(events, "e2")
    assert event["event_id"] == "e2" and event["segment"] == {} and event["observed"] == 9
    assert spike_views.verdict(_triage(), "e2")["owner"] == "aigerim"
    assert spike_views.verdict(_triage(), "e1") is None


def test_spike_window_and_drivers():
    series = pd.DataFrame({"bucket": pd.date_range("2026-01-01", "2026-04-30", freq="D")})
    window = spike_views.around(series, {"start": "2026-03-02", "end": "2026-03-03"}, "day")
    assert window["bucket"].min() == pd.Timestamp("2026-01-19")   # 42 days before
    assert window["bucket"].max() == pd.Timestamp("2026-03-17")   # 14 days after
    drivers = pd.DataFrame({"dimension": ["source"] * 4 + ["language"],
                            "value": ["app", "web", "api", "mail", "ru"],
                            "event_cases": [30, 5, 3, 2, 20],
                            "excess_share": [0.7, 0.2, 0.1, -0.1, 0.5],
                            "usual_share": [0.4, 0.3, 0.2, 0.1, 0.5]})
    top = spike_views.top_drivers(drivers)
    assert list(top["value"]) == ["app", "web", "api", "ru"]
    assert list(top.columns) == spike_views.DRIVERS


def test_trends_table_and_comparison_sides():
    found = pd.DataFrame({"rank": [1], "kind": ["term"], "label": ["refund"], "sparkline": [[1, 2]],
                          "since": [D(2026, 3, 1)], "growth": [3.14159], "excess": [12.0],
                          "observed": [18], "expected": [6.0], "languages": [["ru", "kk"]],
                          "pattern": ["ramp"], "examples": [["c1", "c2", "c3", "c4", "c5"]],
                          "window_days": [14]})
    table = trend_views.table(found, with_examples=True)
    assert table.iloc[0][["what", "language", "growth", "examples", "window_days"]].tolist() == [
        "Wording", "ru, kk", 3.1, "c1 c2 c3 c4", 14]    # the days tested (a slow rise: 7 to 28)
    assert "examples" not in trend_views.table(found, with_examples=False)
    compared = pd.DataFrame({"term": ["a", "b", "c", "d"], "recent_cases": [9, 5, 1, 0],
                             "previous_cases": [1, 2, 6, 8], "z": [3.04, 1.0, -0.5, -2.26]})
    sides = trend_views.comparison_sides(compared, rising=1, falling=1)
    assert sides["Rising"].to_dict("list") == {"Rising": ["a"], "Now": [9], "Before": [1],
                                                "z": [3.0]}
    assert sides["Falling"]["Falling"].tolist() == ["d"] and sides["Falling"]["z"].tolist() == [-2.3]


def test_kpi_page_shaping():
    week = pd.DataFrame({"dimension": ["all", "market", "all"], "segment": [None, "KZ", None],
                         "week_start": [D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 9)],
                         "resolution_median_s": [7200.0, 3600.0, None], "cases": [5, 5, 3]})
    overall = views.weekly_overall(week, "resolution_median_s", scale=1 / 3600)
    assert overall["week_start"].tolist() == [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09")]
    assert overall["value"].iloc[0] == 2.0 and pd.isna(overall["value"].iloc[1])
    by_segment = pd.DataFrame({"dimension": ["market"] * 3, "segment": ["KZ", "UZ", "GB"],
                               "cases": [9, 5, 7], "sla_attainment_pct": [93.4, None, 80.0]})
    rows = views.segment_values(by_segment, "market", "sla_attainment_pct", scale=0.5, n=3)
    assert rows["segment"].tolist() == ["KZ", "GB"]   # UZ has no value
    assert rows["value"].tolist() == [46.7, 40.0]
    assert views.sla_labels(views.segments(by_segment, "market")).tolist() == [
        "93% in SLA", "80% in SLA", ""]
    assert views.formatted(pd.Series([93.44, None]), "sla_attainment_pct").tolist() == [
        "93.4%", "—"]
    split = pd.DataFrame({"created_date": [D(2026, 1, 1)] * 2, "split_value": ["app", "web"],
                          "cases": [3, 4]})
    assert views.split_series(split, "source")["source"].tolist() == ["app", "web"]


def test_ingest_history_columns_and_download_names():
    history = pd.DataFrame({"extra": [1], "status": ["ok"], "ingest_id": [7], "rows_read": [3]})
    assert list(ingest_views.history_table(history).columns) == [
        "ingest_id", "status", "rows_read", "extra"]
    assert ingest_views.ingest_ids(history) == [7]
    assert ingest_views.ingest_ids(pd.DataFrame()) == []
    assert ingest_views.rejected_file_name(7) == "rejected_rows_ingest_7.csv"


def test_openable_trends_are_the_top_rows():
    found = pd.DataFrame({"rank": range(1, 9), "label": list("abcdefgh")})
    assert [row.label for row in trend_views.openable(found)] == list("abcdef")
    assert trend_views.openable(found.iloc[:0]) == []
