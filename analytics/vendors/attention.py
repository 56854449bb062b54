"""What needs attention this week: vendor KPIs off target in the latest complete period,
ranked by how far off they are and for how many periods in a row, and whether the vendor's
case mix explains the miss (its mix-adjusted KPI is on target)."""
from __future__ import annotations

import pandas as pd

from analytics.vendors.scorecard import MIX_CHECK, with_status
from analytics.vendors.targets import Targets


def off_target_runs(history: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Per vendor and KPI (all queues, complete periods): the latest value and status, how many
    periods in a row it has been off target up to the latest one, and since when."""
    rows = history[history["queue"].isna() & history["is_complete_period"]]
    rows = with_status(rows, targets).sort_values(["vendor", "kpi", "period_start"])
    rows["is_off"] = rows["status"].isin(["amber", "red"]).astype(int)
    # periods off target in a row, counted back from the latest: a reversed running product
    backwards = rows.iloc[::-1]
    rows["in_run"] = backwards.groupby(["vendor", "kpi"])["is_off"].cumprod().iloc[::-1]
    latest = rows.groupby(["vendor", "kpi"]).tail(1).set_index(["vendor", "kpi"])
    run = rows[rows["in_run"] == 1].groupby(["vendor", "kpi"])
    latest["periods_off"] = run.size().reindex(latest.index).fillna(0).astype(int)
    latest["off_since"] = run["period_start"].min().reindex(latest.index)
    return latest.reset_index()


def attention(history: pd.DataFrame, targets: Targets, current=None,
              vendors=None) -> pd.DataFrame:
    """Off-target vendor KPIs of the latest complete period, worst first. With `current`,
    only KPIs measured in that period (a vendor whose last week was in 2016 is not off target
    this week); with `vendors`, only those vendors (the active ones).

    severity = shortfall (% of target) x periods off target in a row: a KPI 10 % off for three
    weeks outranks one 20 % off for one. `mix_explains` is True when the matching mix-adjusted
    KPI is on target (the vendor was given harder cases), None where no such KPI exists."""
    runs = off_target_runs(history, targets)
    if current is not None:
        runs = runs[runs["period_start"] == current]
    if vendors is not None:
        runs = runs[runs["vendor"].isin(set(vendors))]
    mix_ok = runs.set_index(["vendor", "kpi"])["status"].eq("green")
    off = runs[runs["is_off"] == 1].copy()
    check = [(v, MIX_CHECK.get(k)) for v, k in zip(off["vendor"], off["kpi"])]
    off["mix_explains"] = [None if k is None else bool(mix_ok.get((v, k), False))
                           for v, k in check]
    off["severity"] = off["shortfall_pct"] * off["periods_off"]
    explained = off["mix_explains"].eq(True).to_numpy()
    # a miss the case mix explains goes below every miss it does not
    off = off.assign(_explained=explained).sort_values(["_explained", "severity"],
                                                        ascending=[True, False])
    columns = ["vendor", "kpi", "status", "value", "target", "shortfall_pct", "periods_off",
               "off_since", "period_start", "severity", "mix_explains"]
    return off[columns].rename(columns={"period_start": "latest_period"}).reset_index(drop=True)
