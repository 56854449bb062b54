"""Pure pandas shaping of the vendor report for the Vendors page: display tables whose cells are
text ("🔴 10 min (+1 min)"), so status, value and change read together at a glance."""
from __future__ import annotations

import pandas as pd

from analytics import kpis
from analytics.vendor_scorecard import (MIX_KPIS, SCORECARD_KPIS, STOCK_KPIS, VendorReport,
                                        with_status)
from analytics.vendor_targets import Targets

MARK = {"green": "🟢", "amber": "🟠", "red": "🔴", "none": "⚪"}
MIX_WORDS = {True: "yes: harder cases, on target once adjusted", False: "no", None: "—"}


def cell(kpi: str, value, status: str, change=None) -> str:
    """'🔴 10 min (+1 min)': status mark, formatted value, change vs the previous period.

    >>> cell("qa_accuracy_pct", 84.04, "red", -1.5)
    '🔴 84.0% (-1.5 pp)'
    """
    text = f"{MARK[status]} {kpis.format_value(kpi, value)}"
    if change is None or pd.isna(change) or pd.isna(value):
        return text
    if kpis.KPIS[kpi].unit == "pct":
        return f"{text} ({change:+.1f} pp)"
    sign = "+" if change >= 0 else "-"
    return f"{text} ({sign}{kpis.format_value(kpi, abs(change))})"


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """Vendors as rows, KPIs (registry names) as columns, text cells."""
    text = [cell(k, v, s, c) for k, v, s, c in
            zip(card["kpi"], card["value"], card["status"], card["change"])]
    wide = card.assign(text=text).pivot(index="vendor", columns="kpi", values="text")
    return wide.reindex(columns=[k for k in SCORECARD_KPIS if k in wide.columns]).reset_index()


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    """The attention list in words: vendor, KPI, status, value vs target, how far, since when."""
    return pd.DataFrame({
        "vendor": attention["vendor"],
        "kpi": attention["kpi"].map(lambda k: kpis.KPIS[k].label),
        "status": attention["status"].map(lambda s: f"{MARK[s]} {s}"),
        "value": [kpis.format_value(k, v) for k, v in zip(attention["kpi"], attention["value"])],
        "target": [kpis.format_value(k, v) for k, v in zip(attention["kpi"], attention["target"])],
        "shortfall_pct": attention["shortfall_pct"],
        "periods_off": attention["periods_off"],
        "off_since": attention["off_since"],
        "mix_explains": attention["mix_explains"].map(lambda m: MIX_WORDS[m]),
    })


def queue_breakdown(report: VendorReport, vendor: str, targets: Targets) -> pd.DataFrame:
    """The vendor's queues (rows) × period KPIs for the current period, text cells."""
    rows = report.history[(report.history["vendor"] == vendor) & report.history["queue"].notna()
                          & (report.history["period_start"] == report.current)]
    rows = with_status(rows, targets)
    text = [cell(k, v, s) for k, v, s in zip(rows["kpi"], rows["value"], rows["status"])]
    wide = rows.assign(text=text).pivot(index="queue", columns="kpi", values="text")
    order = [k for k in SCORECARD_KPIS if k in wide.columns and k not in MIX_KPIS]
    return wide.reindex(columns=order).reset_index()


def trend(report: VendorReport, vendor: str, kpi: str) -> pd.DataFrame:
    """One KPI over the periods, the vendor against the median of all vendors."""
    rows = report.history[report.history["queue"].isna() & (report.history["kpi"] == kpi)]
    typical = rows.groupby("period_start", as_index=False)["value"].median()
    mine = rows[rows["vendor"] == vendor][["period_start", "value"]]
    out = pd.concat([mine.assign(series=vendor), typical.assign(series="Median of all vendors")])
    out["period_start"] = pd.to_datetime(out["period_start"])
    return out.reset_index(drop=True)
