"""Vendor scorecards: every vendor KPI per period in one long table, the scorecard of the latest
complete period against targets, and what needs attention (off target, how far, since when).

Pure pandas over the marts vendor_period_kpis, vendor_mix_adjusted and vendor_backlog_as_of;
`load` fetches them through any `query(name, **params)` callable, so the page passes its cached
seam and the CLI a plain DuckDB connection.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import kpis
from analytics.vendors.targets import Targets, attach_targets, shortfall_pct, status

PERIOD_KPIS = ("decisions_per_day", "handle_time_median_s", "handle_time_p90_s",
               "qa_accuracy_pct", "qa_score_mean", "vendor_sla_attainment_pct",
               "vendor_first_response_median_s", "vendor_resolution_median_s", "reopen_rate_pct",
               "vendor_overturn_rate_pct")
MIX_KPIS = ("handle_time_vs_expected_pct", "sla_attainment_vs_expected_pct")
STOCK_KPIS = ("vendor_open_breached", "vendor_at_risk")
SCORECARD_KPIS = PERIOD_KPIS + MIX_KPIS + STOCK_KPIS
# which mix-adjusted KPI says whether the case mix explains a miss
MIX_CHECK = {"handle_time_median_s": "handle_time_vs_expected_pct",
             "handle_time_p90_s": "handle_time_vs_expected_pct",
             "vendor_sla_attainment_pct": "sla_attainment_vs_expected_pct"}
PERIODS = ("week", "month")
# how many cases (decisions, QA samples, appeals) each KPI was measured on: `n` beside its value
N_OF = {"decisions_per_day": ("decisions",), "handle_time_median_s": ("decisions",),
        "handle_time_p90_s": ("decisions",), "qa_accuracy_pct": ("qa_sampled",),
        "qa_score_mean": ("qa_sampled",), "vendor_sla_attainment_pct": ("sla_met", "sla_breached"),
        "vendor_first_response_median_s": ("created_cases",),
        "vendor_resolution_median_s": ("resolved_cases",), "reopen_rate_pct": ("resolved_cases",),
        "vendor_overturn_rate_pct": ("appeals_decided",),
        "handle_time_vs_expected_pct": ("reviews_adjusted",),
        "sla_attainment_vs_expected_pct": ("cases_adjusted",)}
# rates, medians and means: on fewer than Targets.min_cases cases they get no status ("few")
MEASURED = frozenset(N_OF) - {"decisions_per_day"}
# the order a status ranks in (worst first)
SEVERITY = {"red": 0, "amber": 1, "few": 2, "green": 3, "none": 4}


@dataclass(frozen=True)
class VendorReport:
    period: str
    current: dt.date | None        # start of the latest complete period
    previous: dt.date | None
    history: pd.DataFrame          # period_start, is_complete_period, vendor, queue, kpi, value
    scorecard: pd.DataFrame        # vendor, kpi, value, previous, change, target, status, ...
    attention: pd.DataFrame        # off-target vendor KPIs, worst first
    backlog: pd.DataFrame          # vendor_backlog_as_of at the end of the current period
    activity: pd.DataFrame | None = None   # per vendor: assigned, resolved, decided, open


def _n(frame: pd.DataFrame, kpi: str) -> pd.Series:
    """The count each row's `kpi` was measured on (NaN when the mart lacks the columns)."""
    columns = [c for c in N_OF.get(kpi, ()) if c in frame]
    if not columns or len(columns) < len(N_OF.get(kpi, ())):
        return pd.Series(float("nan"), index=frame.index)
    return frame[columns].astype(float).sum(axis=1)


def _long(frame: pd.DataFrame, keys: list[str], names: tuple[str, ...]) -> pd.DataFrame:
    return pd.concat([frame[keys].assign(kpi=k, value=frame[kpis.KPIS[k].column].astype(float),
                                         n=_n(frame, k)) for k in names], ignore_index=True)


def degenerate(kpi: str, value: pd.Series, n: pd.Series) -> pd.Series:
    """Values that measure nothing, shown as n/a: a KPI over no cases at all, and a duration
    median or p90 of 0 s or less (cases closed the moment they opened, a clock not recorded).

    >>> degenerate("vendor_resolution_median_s", pd.Series([0.0, 60.0]), pd.Series([9, 9])).tolist()
    [True, False]
    >>> degenerate("reopen_rate_pct", pd.Series([0.0, 0.0]), pd.Series([0, 40])).tolist()
    [True, False]
    """
    empty = n.fillna(1).le(0)
    if kpis.KPIS[kpi].unit == "seconds":
        return empty | value.le(0)
    return empty


def long_history(period_kpis: pd.DataFrame, mix: pd.DataFrame) -> pd.DataFrame:
    """Every period KPI as rows: period_start, is_complete_period, vendor, queue, kpi, value, n
    (queue null = the vendor over all queues; mix-adjusted KPIs exist only there; n = the
    cases the value was measured on; degenerate values are NaN)."""
    keys = ["period_start", "is_complete_period", "vendor", "queue"]
    parts = [_long(period_kpis, keys, PERIOD_KPIS)]
    complete = period_kpis.drop_duplicates("period_start")[["period_start", "is_complete_period"]]
    mix = mix.merge(complete, on="period_start", how="inner").assign(queue=None)
    parts.append(_long(mix, keys, MIX_KPIS))
    out = pd.concat(parts, ignore_index=True)
    for kpi, rows in out.groupby("kpi").groups.items():
        bad = degenerate(kpi, out.loc[rows, "value"], out.loc[rows, "n"])
        out.loc[bad[bad].index, "value"] = float("nan")
    return out.sort_values(["vendor", "kpi", "period_start"], kind="stable", ignore_index=True)


def with_status(frame: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """`frame` (vendor, queue, kpi, value) with target, shortfall_pct and status."""
    out = attach_targets(frame, targets)
    better = out["kpi"].map(lambda k: kpis.KPIS[k].higher_is_better is not False).to_numpy()
    out["shortfall_pct"] = shortfall_pct(out["value"], out["target"], better)
    out["status"] = status(out["value"], out["target"], better, targets.amber_band_pct)
    if "n" in out:   # a rate or a median on a handful of cases: greyed, never red or green
        few = (out["kpi"].isin(MEASURED) & out["n"].lt(targets.min_cases)
               & out["value"].notna()).to_numpy()
        out.loc[few, "status"] = "few"
    return out


def complete_periods(history: pd.DataFrame) -> list:
    return sorted(history.loc[history["is_complete_period"], "period_start"].unique())


def scorecard(history: pd.DataFrame, stock_now: pd.DataFrame, stock_before: pd.DataFrame,
              targets: Targets, current, previous, vendors=None) -> pd.DataFrame:
    """One row per vendor and KPI: value in the current period (and n, the cases it was
    measured on), previous value, change, target, status (all queues; stock KPIs at the end
    of each period). `vendors`: only these (the active ones), else every vendor."""
    vendor_rows = history[history["queue"].isna()]
    if "n" not in vendor_rows:
        vendor_rows = vendor_rows.assign(n=float("nan"))
    now = vendor_rows[vendor_rows["period_start"] == current][["vendor", "kpi", "value", "n"]]
    before = vendor_rows[vendor_rows["period_start"] == previous][["vendor", "kpi", "value"]]
    now = pd.concat([now, stock_rows(stock_now)], ignore_index=True)
    before = pd.concat([before, stock_rows(stock_before)], ignore_index=True)
    if vendors is not None:
        now = now[now["vendor"].isin(set(vendors))]
    card = now.merge(before.rename(columns={"value": "previous"}), on=["vendor", "kpi"],
                     how="left").assign(queue=None)
    card["change"] = card["value"] - card["previous"]
    card = with_status(card, targets)
    order = {k: i for i, k in enumerate(SCORECARD_KPIS)}
    return (card.assign(kpi_order=card["kpi"].map(order))
            .sort_values(["vendor", "kpi_order"], ignore_index=True).drop(columns="kpi_order"))


def activity(period_kpis: pd.DataFrame, stock_now: pd.DataFrame, current) -> pd.DataFrame:
    """Per vendor, what it did in the current period: cases assigned (created with it),
    resolved, review decisions, and cases open at the period's end. Active: any of them;
    `idle_backlog`: open cases but nothing resolved or decided (no throughput).

    >>> kpis_ = pd.DataFrame({"period_start": [1, 1, 0], "queue": [None, None, None],
    ...     "vendor": ["A", "B", "C"], "created_cases": [5, 0, 9], "resolved_cases": [3, 0, 9],
    ...     "decisions": [0, 0, 0]})
    >>> stock = pd.DataFrame({"vendor": ["B", "C"], "open_cases": [4, 0]})
    >>> activity(kpis_, stock, 1)[["vendor", "active", "idle_backlog"]].values.tolist()
    [['A', True, False], ['B', True, True], ['C', False, False]]
    """
    now = period_kpis[(period_kpis["period_start"] == current) & period_kpis["queue"].isna()]
    counts = ["created_cases", "resolved_cases", "decisions"]
    done = now.groupby("vendor")[[c for c in counts if c in now]].sum()
    open_ = stock_now.groupby("vendor")["open_cases"].sum() if len(stock_now) else None
    vendors = sorted(set(period_kpis["vendor"].dropna()) | set(stock_now.get("vendor", [])))
    out = done.reindex(vendors, columns=counts).fillna(0).astype(int)
    out["open_cases"] = (open_.reindex(vendors).fillna(0).astype(int) if open_ is not None
                         else 0)
    out["active"] = out[counts + ["open_cases"]].gt(0).any(axis=1)
    out["idle_backlog"] = out["open_cases"].gt(0) & out[["resolved_cases", "decisions"]].eq(0).all(axis=1)
    return out.rename_axis("vendor").reset_index()


def stock_rows(backlog: pd.DataFrame) -> pd.DataFrame:
    """Open-and-breached and at-risk counts per vendor from vendor_backlog_as_of rows."""
    sums = backlog.groupby("vendor", as_index=False)[["open_breached", "at_risk"]].sum()
    sums = sums.rename(columns={"open_breached": "vendor_open_breached",
                                "at_risk": "vendor_at_risk"})
    out = sums.melt("vendor", var_name="kpi", value_name="value")
    out["value"] = out["value"].astype(float)
    return out
