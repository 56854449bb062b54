"""Tests for analytics/views.py: small frames whose right answer is known by hand."""
import datetime as dt
import io

import pandas as pd
import pytest

from analytics import views

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
