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


@dataclass(frozen=True)
class VendorReport:
    period: str
    current: dt.date | None        # start of the latest complete period
    previous: dt.date | None
    history: pd.DataFrame          # period_start, is_complete_period, vendor, queue, kpi, value
    scorecard: pd.DataFrame        # vendor, kpi, value, previous, change, target, status, ...
    attention: pd.DataFrame        # off-target vendor KPIs, worst first
    backlog: pd.DataFrame          # vendor_backlog_as_of at the end of the current period


def long_history(period_kpis: pd.DataFrame, mix: pd.DataFrame) -> pd.DataFrame:
    """Every period KPI as rows: period_start, is_complete_period, vendor, queue, kpi, value
    (queue null = the vendor over all queues; mix-adjusted KPIs exist only there)."""
    keys = ["period_start", "is_complete_period", "vendor", "queue"]
    columns = {kpis.KPIS[k].column: k for k in PERIOD_KPIS}
    parts = [period_kpis[keys + list(columns)].rename(columns=columns)
             .melt(keys, var_name="kpi", value_name="value")]
    complete = period_kpis.drop_duplicates("period_start")[["period_start", "is_complete_period"]]
    mix = mix.merge(complete, on="period_start", how="inner").assign(queue=None)
    columns = {kpis.KPIS[k].column: k for k in MIX_KPIS}
    parts.append(mix[keys + list(columns)].rename(columns=columns)
                 .melt(keys, var_name="kpi", value_name="value"))
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["value"].astype(float)
    return out.sort_values(["vendor", "kpi", "period_start"], kind="stable", ignore_index=True)


def with_status(frame: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """`frame` (vendor, queue, kpi, value) with target, shortfall_pct and status."""
    out = attach_targets(frame, targets)
    better = out["kpi"].map(lambda k: kpis.KPIS[k].higher_is_better is not False).to_numpy()
    out["shortfall_pct"] = shortfall_pct(out["value"], out["target"], better)
    out["status"] = status(out["value"], out["target"], better, targets.amber_band_pct)
    return out


def complete_periods(history: pd.DataFrame) -> list:
    return sorted(history.loc[history["is_complete_period"], "period_start"].unique())


def scorecard(history: pd.DataFrame, stock_now: pd.DataFrame, stock_before: pd.DataFrame,
              targets: Targets, current, previous) -> pd.DataFrame:
    """One row per vendor and KPI: value in the current period, previous value, change,
    target, status (all queues; stock KPIs at the end of each period)."""
    vendor_rows = history[history["queue"].isna()]
    now = vendor_rows[vendor_rows["period_start"] == current][["vendor", "kpi", "value"]]
    before = vendor_rows[vendor_rows["period_start"] == previous][["vendor", "kpi", "value"]]
    now = pd.concat([now, stock_rows(stock_now)], ignore_index=True)
    before = pd.concat([before, stock_rows(stock_before)], ignore_index=True)
    card = now.merge(before.rename(columns={"value": "previous"}), on=["vendor", "kpi"],
                     how="left").assign(queue=None)
    card["change"] = card["value"] - card["previous"]
    card = with_status(card, targets)
    order = {k: i for i, k in enumerate(SCORECARD_KPIS)}
    return (card.assign(kpi_order=card["kpi"].map(order))
            .sort_values(["vendor", "kpi_order"], ignore_index=True).drop(columns="kpi_order"))


def stock_rows(backlog: pd.DataFrame) -> pd.DataFrame:
    """Open-and-breached and at-risk counts per vendor from vendor_backlog_as_of rows."""
    sums = backlog.groupby("vendor", as_index=False)[["open_breached", "at_risk"]].sum()
    sums = sums.rename(columns={"open_breached": "vendor_open_breached",
                                "at_risk": "vendor_at_risk"})
    out = sums.melt("vendor", var_name="kpi", value_name="value")
    out["value"] = out["value"].astype(float)
    return out
