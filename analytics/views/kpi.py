"""The last step from a KPI mart's rows to what one widget of the Overview, Markets or KPIs page
shows: filter choices, top-N with "Other", daily series, segments, heatmap pivots."""
from __future__ import annotations

import pandas as pd

from analytics import kpis

OTHER = "Other"
UNKNOWN = "(unknown)"  # how the marts label a segment whose value is missing


def filter_options(daily_volume: pd.DataFrame) -> dict[str, list[str]]:
    """Sorted distinct markets, categories and sources present in the data (nulls left out),
    and the markets again, largest (most cases) first."""
    def distinct(column: str) -> list[str]:
        return sorted(str(v) for v in daily_volume[column].dropna().unique())
    sizes = daily_volume.groupby("market")["cases"].sum()
    sizes = sizes.sort_values(ascending=False, kind="stable")
    return {"markets": distinct("market"), "categories": distinct("abuse_category"),
            "sources": distinct("source"), "markets_by_cases": [str(m) for m in sizes.index]}


def top_n(frame: pd.DataFrame, by: str, value: str, n: int = 8) -> pd.DataFrame:
    """`frame` with every `by` outside the `n` largest (by total `value`) relabelled "Other".

    Rows are not summed here; the caller groups, so that any other keys stay intact.
    """
    labels = frame[by].astype("str").fillna(UNKNOWN)
    totals = frame.assign(**{by: labels}).groupby(by)[value].sum().nlargest(n)
    return frame.assign(**{by: labels.where(labels.isin(totals.index), OTHER)})


def daily_series(daily_volume: pd.DataFrame, by: str | None = None, value: str = "cases",
                 n: int = 6) -> pd.DataFrame:
    """Daily totals of `value` (one row per created_date, or per created_date and top-`n` `by`)."""
    frame = daily_volume if by is None else top_n(daily_volume, by, value, n)
    keys = ["created_date"] + ([by] if by else [])
    out = frame.groupby(keys, as_index=False, observed=True)[value].sum()
    out["created_date"] = pd.to_datetime(out["created_date"])
    return out.sort_values(keys, ignore_index=True)


def split_series(daily_volume_split: pd.DataFrame, by: str, n: int = 8) -> pd.DataFrame:
    """`daily_series` of the `daily_volume_split` mart, whose split column is `split_value`."""
    return daily_series(daily_volume_split.rename(columns={"split_value": by}), by=by, n=n)


def daily_backlog(backlog_daily: pd.DataFrame) -> pd.DataFrame:
    """Opened, closed and open backlog per date, summed over markets."""
    out = backlog_daily.groupby("date", as_index=False)[["opened", "closed", "open_backlog"]].sum()
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values("date", ignore_index=True)


def segments(kpi_by_segment: pd.DataFrame, dimension: str, n: int | None = None) -> pd.DataFrame:
    """One dimension's rows of `kpi_by_segment`, largest first (missing segments labelled)."""
    rows = kpi_by_segment[kpi_by_segment["dimension"] == dimension]
    rows = rows.assign(segment=rows["segment"].astype("str").fillna(UNKNOWN))
    rows = rows.sort_values("cases", ascending=False, ignore_index=True)
    return rows if n is None else rows.head(n)


def market_choices(markets_by_cases: list[str], chosen) -> list[str]:
    """The markets the Markets page offers: the sidebar's choice (all when empty), largest first.

    >>> market_choices(["KZ", "UZ", "GB"], ("GB", "KZ")), market_choices(["KZ", "UZ"], ())
    (['KZ', 'GB'], ['KZ', 'UZ'])
    """
    return [m for m in markets_by_cases if m in chosen] if chosen else list(markets_by_cases)


def sla_labels(rows: pd.DataFrame) -> pd.Series:
    """'93% in SLA' per segment row ('' where it has no resolved cases)."""
    return rows["sla_attainment_pct"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}% in SLA")


def formatted(values, kpi: str):
    """A Series or DataFrame of one KPI's values as text ('12 min', '93.0%', '—')."""
    return values.map(lambda v: kpis.format_value(kpi, v))


# the count each segment KPI rests on (kpi_by_segment): '100.0% · n 1' reads as one case, not
# as a market that meets every SLA
N_OF = {"sla_attainment_pct": ("sla_met", "sla_breached"), "resolution_median_s": ("resolved_cases",),
        "resolution_p90_s": ("resolved_cases",), "appeal_rate_pct": ("resolved_cases",),
        "overturn_rate_pct": ("decided_appeals",)}


def formatted_with_n(rows: pd.DataFrame, kpi: str) -> pd.Series:
    """`formatted` values with the count each rests on where the mart has it.

    >>> rows = pd.DataFrame({"sla_attainment_pct": [100.0, 41.9], "sla_met": [1, 13],
    ...                      "sla_breached": [0, 18]})
    >>> formatted_with_n(rows, "sla_attainment_pct").tolist()
    ['100.0% · n 1', '41.9% · n 31']
    """
    text = formatted(rows[kpi], kpi)
    columns = N_OF.get(kpi, ())
    if not columns or not set(columns) <= set(rows.columns):
        return text
    n = rows[list(columns)].fillna(0).sum(axis=1)
    return text + n.map(lambda v: f" · n {v:,.0f}")


def weekly_overall(kpi_week: pd.DataFrame, kpi: str, scale: float = 1.0) -> pd.DataFrame:
    """The all-cases rows of `kpi_by_segment_week`, weeks as dates and the KPI times `scale`
    in `value` (hours rather than seconds, say)."""
    rows = kpi_week[kpi_week["dimension"] == "all"]
    return rows.assign(week_start=pd.to_datetime(rows["week_start"]), value=rows[kpi] * scale)


def segment_values(kpi_by_segment: pd.DataFrame, dimension: str, kpi: str, scale: float = 1.0,
                   n: int = 25) -> pd.DataFrame:
    """The `n` largest segments of a dimension that have a value of the KPI, times `scale` in
    `value`."""
    rows = segments(kpi_by_segment, dimension, n=n)
    rows = rows[rows[kpi].notna()]
    return rows.assign(value=rows[kpi] * scale)


def has_values(frame: pd.DataFrame, column: str) -> bool:
    """Whether `column` exists in `frame` and holds at least one non-null value."""
    return column in frame and bool(frame[column].notna().any())


def is_blank(frame: pd.DataFrame) -> bool:
    """Whether no cell of `frame` holds a value (no rows, or every cell missing).

    >>> is_blank(pd.DataFrame({"a": [None, None]})), is_blank(pd.DataFrame({"a": [None, 1.0]}))
    (True, False)
    """
    return frame.empty or bool(frame.isna().all().all())


def heatmap_pivot(kpi_week: pd.DataFrame, dimension: str, kpi: str, n: int = 15) -> pd.DataFrame:
    """Segments × weeks of one KPI: the `n` segments with most cases, largest on top."""
    rows = kpi_week[(kpi_week["dimension"] == dimension) & kpi_week["segment"].notna()]
    order = rows.groupby("segment")["cases"].sum().nlargest(n).index
    rows = rows[rows["segment"].isin(order)]
    pivot = rows.pivot_table(index="segment", columns="week_start", values=kpi, aggfunc="first")
    pivot.columns = pd.to_datetime(pivot.columns)
    return pivot.reindex([s for s in order if s in pivot.index])


def vendor_scorecard(vendor_daily: pd.DataFrame) -> pd.DataFrame:
    """One row per vendor from `vendor_daily`: decisions, mean handle time, QA accuracy.

    Daily medians cannot be combined into a period median, so handle time is the mean
    (sum / decisions); QA accuracy is pooled over all sampled decisions.
    """
    sums = vendor_daily.groupby("vendor", as_index=False).agg(
        decisions=("decisions", "sum"), handle_time_sum_s=("handle_time_sum_s", "sum"),
        qa_sampled=("qa_sampled", "sum"), qa_correct=("qa_correct", "sum"),
        active_days=("decided_date", "nunique"), markets=("market", "nunique"))
    sums["handle_time_mean_s"] = sums["handle_time_sum_s"] / _positive(sums["decisions"])
    sums["qa_accuracy_pct"] = 100.0 * sums["qa_correct"] / _positive(sums["qa_sampled"])
    columns = ["vendor", "decisions", "handle_time_mean_s", "qa_sampled", "qa_accuracy_pct",
               "active_days", "markets"]
    return sums[columns].sort_values("decisions", ascending=False, ignore_index=True)


def weekly_vendor_quality(vendor_daily: pd.DataFrame) -> pd.DataFrame:
    """Per vendor and week (Monday): decisions and pooled QA accuracy."""
    days = pd.to_datetime(vendor_daily["decided_date"])
    weeks = vendor_daily.assign(week_start=(days - pd.to_timedelta(days.dt.day_of_week, unit="D")))
    out = weeks.groupby(["vendor", "week_start"], as_index=False)[
        ["decisions", "qa_sampled", "qa_correct"]].sum()
    out["qa_accuracy_pct"] = 100.0 * out["qa_correct"] / _positive(out["qa_sampled"])
    return out


def _positive(counts: pd.Series) -> pd.Series:
    """`counts` with zeros as missing, so a ratio over nothing is blank rather than inf."""
    return counts.where(counts > 0)


def window_note(shown: int, loaded: int, first, last, share: float = 0.25) -> str | None:
    """A line for when the sidebar's dates hold a small share of the cases loaded: a historic
    export with a thin tail (the ServiceNow log: its default 90 days hold 194 of 24,918 cases)
    otherwise reads as if most of the data were lost. None when the dates hold `share` or more.

    >>> import datetime as dt
    >>> window_note(194, 24918, dt.date(2016, 2, 29), dt.date(2017, 2, 16))
    'These dates hold 194 of the 24,918 cases loaded (0.8%), created 2016-02-29 to 2017-02-16: widen the dates in the sidebar to see the rest.'
    >>> window_note(4969, 4969, dt.date(2025, 1, 1), dt.date(2025, 3, 14)) is None
    True
    """
    if not loaded or shown >= share * loaded:
        return None
    return (f"These dates hold {shown:,} of the {loaded:,} cases loaded ({shown / loaded:.1%}), "
            f"created {first:%Y-%m-%d} to {last:%Y-%m-%d}: widen the dates in the sidebar to see "
            "the rest.")


def export_start_note(first_day) -> str:
    """Under a stock chart that starts at the data's first day.

    >>> import datetime as dt
    >>> export_start_note(dt.date(2025, 1, 1))[:60]
    'The loaded data starts on 2025-01-01: cases opened before it'
    """
    return (f"The loaded data starts on {first_day:%Y-%m-%d}: cases opened before it and still "
            "open are not in it, so the backlog builds up from 0 over the first days or weeks "
            "— a rise there is the export starting, not new work.")
