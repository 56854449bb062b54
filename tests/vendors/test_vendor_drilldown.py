"""analytics/vendors/drilldown.py: the Vendors page's drill-down shaping, on a hand-made report."""
import datetime as dt

import pandas as pd

from analytics.vendors import drilldown
from analytics.vendors.scorecard import VendorReport
from analytics.vendors.targets import Targets

D = dt.date
TARGETS = Targets(5.0, 4.0, pd.DataFrame({"vendor": ["*", "V"], "queue": ["*", "*"],
                                          "kpi": ["handle_time_median_s"] * 2,
                                          "target": [600.0, 480.0]}))


def report(attention: pd.DataFrame | None = None) -> VendorReport:
    history = pd.DataFrame({
        "period_start": [D(2026, 3, 2), D(2026, 3, 9)] * 2, "is_complete_period": True,
        "vendor": ["V", "V", "W", "W"], "queue": None, "kpi": "handle_time_median_s",
        "value": [300.0, 540.0, 400.0, 420.0]})
    card = pd.DataFrame({"vendor": ["W", "V"], "kpi": "handle_time_median_s",
                         "value": [420.0, 540.0], "status": ["green", "red"]})
    if attention is None:
        attention = pd.DataFrame({"vendor": ["V"], "kpi": ["handle_time_median_s"],
                                  "off_since": [D(2026, 3, 9)]})
    return VendorReport("week", D(2026, 3, 9), D(2026, 3, 2), history, card, attention,
                        pd.DataFrame())


def test_which_vendor_and_kpi_the_drilldown_opens_on():
    assert drilldown.vendors(report()) == ["V", "W"]
    assert drilldown.first_vendor(report()) == "V"
    assert drilldown.worst_kpi(report(), "V") == "handle_time_median_s"
    calm = report(pd.DataFrame(columns=["vendor", "kpi", "off_since"]))
    assert drilldown.first_vendor(calm) == "V"       # nothing off target: the first by name
    assert drilldown.worst_kpi(calm, "W") == drilldown.DEFAULT_KPI
    assert not set(drilldown.TREND_KPIS) & {"vendor_open_breached", "vendor_at_risk"}


def test_trend_chart_scales_values_and_target_together_and_knows_the_miss():
    chart = drilldown.trend_chart(report(), "V", "handle_time_median_s", TARGETS)
    assert chart.factor == 1 / 60 and chart.y_title.endswith("minutes")
    mine = chart.series[chart.series["series"] == "V"]
    assert mine["value"].tolist() == [5.0, 9.0]
    assert chart.target == 8.0                        # V's own 480 s target, in minutes
    assert chart.off_since == D(2026, 3, 9)
    other = drilldown.trend_chart(report(), "W", "handle_time_median_s", TARGETS)
    assert other.target == 10.0 and other.off_since is None


def test_reviewer_tables_name_the_measures():
    rows = pd.DataFrame({"vendor": "V", "reviewer": list("abcde"), "decisions": 50,
                         "qa_sampled": 10, "handle_time_median_s": [300, 310, 320, 330, 900.0],
                         "qa_accuracy_pct": [90, 92, 94, 96, 60.0]})
    spread, outliers = drilldown.reviewer_tables(rows)
    assert spread["measure"].tolist() == ["Median handle time, s", "QA accuracy, %"]
    assert "vendor" not in spread and "vendor" not in outliers
    assert outliers["reviewer"].tolist() == ["e", "e"]


def test_vendor_backlog_totals_and_oldest_case():
    backlog = pd.DataFrame({
        "vendor": ["V", "V", "W"], "queue": ["q1", "q2", "q1"], "age_bucket": ["0-1d", "30d+", "0-1d"],
        "open_cases": [3, 2, 7], "open_breached": [0, 2, 1], "at_risk": [1, 0, 0],
        "oldest_case_id": ["c3", "c9", "c1"],
        "oldest_created_at": pd.to_datetime(["2026-03-10", "2026-01-05", "2025-12-01"])})
    mine = drilldown.vendor_backlog(backlog, "V")
    assert (mine.open_cases, mine.breached, mine.at_risk) == (5, 2, 1)
    assert mine.oldest_case_id == "c9" and mine.oldest_created_at == pd.Timestamp("2026-01-05")
    assert mine.by_age.set_index("queue").loc["q2", "30d+"] == 2
    none = drilldown.vendor_backlog(backlog, "X")
    assert none.open_cases == 0 and none.oldest_created_at is None and none.by_age.empty


def idle_report() -> VendorReport:
    """Case data without reviews (the ServiceNow sample): 'Stuck' holds an open case and
    resolved nothing in the week (red, first on the attention list); 'Aaa' resolved 3 cases,
    too few to judge (grey). Only SLA attainment has values."""
    kpi = "vendor_sla_attainment_pct"
    history = pd.DataFrame({
        "period_start": [D(2026, 3, 2), D(2026, 3, 9)] * 2, "is_complete_period": True,
        "vendor": ["Stuck", "Stuck", "Aaa", "Aaa"], "queue": None, "kpi": kpi,
        "value": [100.0, None, 50.0, 66.7]})
    card = pd.DataFrame({"vendor": ["Aaa", "Stuck"], "kpi": kpi, "value": [66.7, None],
                         "n": [3, None], "status": ["few", "none"]})
    attention = pd.DataFrame({"vendor": ["Stuck"], "kpi": ["resolved_cases"],
                              "status": ["red"], "off_since": [D(2026, 3, 9)]})
    activity = pd.DataFrame({"vendor": ["Aaa", "Stuck"], "open_cases": [0, 1],
                             "resolved_cases": [3, 0], "active": [True, True]})
    return VendorReport("week", D(2026, 3, 9), D(2026, 3, 2), history, card, attention,
                        pd.DataFrame(), activity)


def test_a_backlog_without_throughput_opens_on_a_kpi_with_a_line_not_an_empty_chart():
    """ServiceNow, week of 2017-02-06: Group 59 (1 open, nothing resolved) opened the drill-down
    on 'Decisions per day', a review KPI the case log has no value of: an empty chart."""
    report = idle_report()
    assert drilldown.first_vendor(report) == "Stuck"
    assert drilldown.worst_kpi(report, "Stuck") == "vendor_sla_attainment_pct"
    assert drilldown.trend_kpis(report, "Stuck") == ["vendor_sla_attainment_pct"]
    series = drilldown.trend_chart(report, "Stuck", "vendor_sla_attainment_pct", TARGETS).series
    assert series.loc[series["series"] == "Stuck", "value"].notna().any()


def test_the_red_idle_vendor_heads_the_grid_not_below_the_grey_ones():
    """The summary counted Group 59 red, yet the grid (worst first) drew it last, below 16
    grey vendors, out of the 600-px table's view."""
    from analytics.vendors import tables
    text, status = tables.grid(idle_report())
    assert list(text["vendor"]) == ["Stuck", "Aaa"]
    assert status.loc[0, "resolved_cases"] == "red"


def test_the_drilldown_axis_title_is_the_unit_alone():
    """NYC 311's DSNY: 'Resolution time (median, business time), hours' ran past the chart's
    height and over its title; the title already names the KPI."""
    chart = drilldown.trend_chart(idle_report(), "Stuck", "vendor_sla_attainment_pct", TARGETS)
    assert chart.y_title == "%"
    assert drilldown.axis("vendor_resolution_median_s", pd.Series([150_000.0]))[1] == "hours"
