"""Pure pandas shaping for the Streamlit pages: windows, top-N, pivots, tiles and downloads.

The marts in sql/marts/ do the heavy lifting (joins, aggregation, medians); what is left here is
the last step from a mart's rows to what one widget shows, kept out of the pages so that it
can be unit-tested without Streamlit.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd

OTHER = "Other"
UNKNOWN = "(unknown)"  # how the marts label a segment whose value is missing


def default_window(newest_date: dt.date, days: int = 90) -> tuple[dt.date, dt.date]:
    """The last `days` days up to and including the newest date.

    >>> default_window(dt.date(2026, 3, 31), days=31)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    """
    return newest_date - dt.timedelta(days=days - 1), newest_date


def previous_window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The window of equal length that ends the day before `start`.

    >>> previous_window(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    (datetime.date(2026, 1, 29), datetime.date(2026, 2, 28))
    """
    length = end - start
    previous_end = start - dt.timedelta(days=1)
    return previous_end - length, previous_end


def last_complete_week(last_complete: dt.date) -> dt.date:
    """Monday of the last week (Monday to Sunday) that ends on or before `last_complete`.

    >>> last_complete_week(dt.date(2026, 3, 29))  # a Sunday: its own week is complete
    datetime.date(2026, 3, 23)
    >>> last_complete_week(dt.date(2026, 3, 31))  # a Tuesday
    datetime.date(2026, 3, 23)
    """
    next_day = last_complete + dt.timedelta(days=1)
    return next_day - dt.timedelta(days=next_day.weekday() + 7)


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


def has_values(frame: pd.DataFrame, column: str) -> bool:
    """Whether `column` exists in `frame` and holds at least one non-null value."""
    return column in frame and bool(frame[column].notna().any())


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


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# such text cells get a leading apostrophe, so Excel and LibreOffice show them as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell (and column name) that a spreadsheet would run as a
    formula prefixed with an apostrophe; numbers, dates and other text are left as they are.

    >>> neutralise_formulas(pd.DataFrame({"summary": ["=1+1", "ok", "@SUM(A1)"], "n": [-1, 2, 3]}))
         summary  n
    0      '=1+1 -1
    1         ok  2
    2  '@SUM(A1)  3
    """
    text = [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    out = frame.assign(**{str(c): frame[c].map(_as_text) for c in text}) if text else frame
    return out.rename(columns=_as_text)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Cyrillic and Kazakh text correctly;
    formula-like text is neutralised (see `neutralise_formulas`). Lines end in CRLF (RFC 4180),
    which also makes the writer quote a field holding a bare carriage return."""
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "cases") -> bytes:
    """An .xlsx workbook of `frame` (timestamps written without zone, as Excel requires);
    openpyxl would store text starting with "=" as a live formula, hence the neutralising."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()
