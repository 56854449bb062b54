"""Pure shaping for the Vendors page's drill-down into one vendor: which vendors and KPIs to
offer and open on, the KPI's trend against its target, the reviewer spread in words, and the
vendor's open backlog by age with its totals."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import kpis
from analytics.vendors import reviewers as vendor_reviewers
from analytics.vendors.scorecard import SCORECARD_KPIS, STOCK_KPIS, VendorReport
from analytics.vendors.targets import Targets, attach_targets

TREND_KPIS = [k for k in SCORECARD_KPIS if k not in STOCK_KPIS]   # stocks have no trend
DEFAULT_KPI = "handle_time_median_s"
MEASURES = {"handle_time_median_s": "Median handle time, s", "qa_accuracy_pct": "QA accuracy, %"}


def focus(report: VendorReport) -> tuple[str | None, str | None]:
    """The vendor and KPI to open the drill-down on: the top of the attention list."""
    if report.attention.empty:
        return None, None
    top = report.attention.iloc[0]
    return top["vendor"], top["kpi"]


def trend(report: VendorReport, vendor: str, kpi: str) -> pd.DataFrame:
    """One KPI over the periods, the vendor against the median of the vendors active in the
    current period, from the vendor's first period on (a vendor group last seen years ago
    neither sets the typical value nor stretches the axis)."""
    rows = report.history[report.history["queue"].isna() & (report.history["kpi"] == kpi)]
    mine = rows[rows["vendor"] == vendor][["period_start", "value"]]
    peers = rows[rows["vendor"].isin(set(report.scorecard["vendor"]) | {vendor})]
    if len(mine):
        peers = peers[peers["period_start"] >= mine["period_start"].min()]
    typical = peers.groupby("period_start", as_index=False)["value"].median()
    out = pd.concat([mine.assign(series=vendor),
                     typical.assign(series="Median of the active vendors")])
    out["period_start"] = pd.to_datetime(out["period_start"])
    return out.reset_index(drop=True)


def axis(kpi: str, values: pd.Series) -> tuple[float, str]:
    """Factor and axis title for a KPI chart: durations in minutes when under three hours
    (a handle time of 0.08 h reads badly), else hours; percentages and counts as they are.
    The title is the unit alone: the chart's title names the KPI, and 'Resolution time
    (median, business time), hours' ran past the plot's height, over that title.

    >>> axis("vendor_resolution_median_s", pd.Series([150_000.0])), axis("qa_accuracy_pct", [])
    ((0.0002777777777777778, 'hours'), (1.0, '%'))
    """
    meta = kpis.KPIS[kpi]
    if meta.unit == "seconds":
        minutes = values.max() < 3 * 3600 if len(values) else True
        return (1 / 60, "minutes") if minutes else (1 / 3600, "hours")
    return 1.0, "%" if meta.unit == "pct" else meta.label


AGE_BUCKETS = ["0-1d", "1-3d", "3-7d", "7-30d", "30d+"]


def backlog_by_age(backlog: pd.DataFrame) -> pd.DataFrame:
    """Open cases per queue (rows) and age bucket (columns, youngest first)."""
    wide = backlog.pivot_table(index="queue", columns="age_bucket", values="open_cases",
                               aggfunc="sum", fill_value=0)
    return wide.reindex(columns=AGE_BUCKETS, fill_value=0).rename_axis(columns=None).reset_index()


def vendors(report: VendorReport) -> list[str]:
    """The vendors on the scorecard, by name."""
    return sorted(report.scorecard["vendor"].unique())


def first_vendor(report: VendorReport) -> str | None:
    """The vendor to open the drill-down on: the top of the attention list, else the first."""
    return focus(report)[0] or next(iter(vendors(report)), None)


def _measured(report: VendorReport, vendor: str) -> set[str]:
    rows = report.history[(report.history["vendor"] == vendor) & report.history["queue"].isna()]
    return set(rows.loc[rows["value"].notna(), "kpi"])


def trend_kpis(report: VendorReport, vendor: str) -> list[str]:
    """The KPIs to offer in the drill-down: those with a value for the vendor in some period
    (case data without reviews has no decisions or handle time: no empty charts to pick), all
    of them when it has none."""
    measured = _measured(report, vendor)
    return [k for k in TREND_KPIS if k in measured] or list(TREND_KPIS)


def worst_kpi(report: VendorReport, vendor: str) -> str:
    """The vendor's KPI highest on the attention list that has a trend, else the first with a
    value for the vendor (handle time first): a backlog with no throughput, or case data with
    no reviews, opens on a KPI with a line to show, never on an empty chart."""
    worst = report.attention.loc[report.attention["vendor"] == vendor, "kpi"]
    worst = [k for k in worst if k in TREND_KPIS]
    if worst:
        return worst[0]
    measured = _measured(report, vendor)
    return next((k for k in [DEFAULT_KPI, *TREND_KPIS] if k in measured), DEFAULT_KPI)


@dataclass(frozen=True)
class TrendChart:
    """One vendor KPI over the periods, ready to plot: `series` (period_start, value, series)
    with values multiplied by `factor`, the target on the same scale (None without one) and
    the start of the current run off target (None when on target)."""
    series: pd.DataFrame
    factor: float
    y_title: str
    target: float | None
    off_since: dt.date | None


def trend_chart(report: VendorReport, vendor: str, kpi: str, targets: Targets) -> TrendChart:
    """The vendor's `kpi` against the median of all vendors, with its target and miss."""
    series = trend(report, vendor, kpi)
    factor, y_title = axis(kpi, series["value"])
    target = attach_targets(pd.DataFrame({"vendor": [vendor], "queue": [None], "kpi": [kpi]}),
                            targets)["target"].iloc[0]
    miss = report.attention[(report.attention["vendor"] == vendor)
                            & (report.attention["kpi"] == kpi)]
    return TrendChart(series.assign(value=series["value"] * factor), factor, y_title,
                      None if pd.isna(target) else float(target) * factor,
                      miss["off_since"].iloc[0] if len(miss) else None)


def _in_words(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["vendor"]).assign(measure=frame["measure"].map(MEASURES))


def reviewer_tables(reviewers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(spread, outliers) of one vendor's reviewers, measures named in words."""
    return (_in_words(vendor_reviewers.reviewer_spread(reviewers)),
            _in_words(vendor_reviewers.reviewer_outliers(reviewers)))


@dataclass(frozen=True)
class Backlog:
    """One vendor's open cases: by queue and age bucket, and the totals under the table."""
    by_age: pd.DataFrame
    open_cases: int
    breached: int
    at_risk: int
    oldest_case_id: str | None
    oldest_created_at: pd.Timestamp | None


def vendor_backlog(backlog: pd.DataFrame, vendor: str) -> Backlog:
    """The vendor's rows of `vendor_backlog_as_of`, by age, with totals and its oldest case."""
    rows = backlog[backlog["vendor"] == vendor]
    if rows.empty:
        return Backlog(backlog_by_age(rows), 0, 0, 0, None, None)
    oldest = rows.loc[rows["oldest_created_at"].idxmin()]
    return Backlog(backlog_by_age(rows), int(rows["open_cases"].sum()),
                   int(rows["open_breached"].sum()), int(rows["at_risk"].sum()),
                   oldest["oldest_case_id"], pd.Timestamp(oldest["oldest_created_at"]))
