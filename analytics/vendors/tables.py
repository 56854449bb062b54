"""Pure pandas shaping of the vendor report for the Vendors page: display tables whose cells are
text ("10 min (+1 min)") coloured by status, so status, value and change read together at a
glance, and the one-line verdict per vendor that heads the page. The drill-down into one vendor
is analytics/vendors/drilldown.py."""
from __future__ import annotations

import pandas as pd

from analytics import kpis
from analytics.vendors.scorecard import (
    MEASURED,
    MIX_KPIS,
    SCORECARD_KPIS,
    SEVERITY,
    VendorReport,
    with_status,
)
from analytics.vendors.targets import Targets

MARK = {"green": "🟢", "amber": "🟠", "red": "🔴", "few": "⚪", "none": "⚪"}
# cell styles: the status must read without colour emoji fonts (many browsers lack them); red is
# red, not a pink an eye takes for amber; "few" (a rate on a handful of cases) is greyed out
COLOURS = {"green": "background-color: #cdebd0", "amber": "background-color: #ffd98a",
           "red": "background-color: #e5554f; color: #ffffff",
           "few": "background-color: #f0f0f0; color: #9a9a9a", "none": ""}
MIX_WORDS = {True: "yes: harder mix", False: "no: the vendor", None: "—"}
# the grid's column headers (the full label and definition are the column's tooltip)
SHORT = {"decisions_per_day": "Decisions/day", "handle_time_median_s": "Handle time",
         "handle_time_p90_s": "Handle p90", "qa_accuracy_pct": "QA accuracy",
         "qa_score_mean": "QA score", "vendor_sla_attainment_pct": "SLA",
         "vendor_first_response_median_s": "First response",
         "vendor_resolution_median_s": "Resolution", "reopen_rate_pct": "Reopened",
         "vendor_overturn_rate_pct": "Overturned", "handle_time_vs_expected_pct": "Handle vs mix",
         "sla_attainment_vs_expected_pct": "SLA vs mix", "vendor_open_breached": "Open breached",
         "vendor_at_risk": "At risk"}
NA = "n/a"


def precise(kpi: str, value) -> str:
    """format_value, but durations under an hour to a tenth of a minute: a 504 s median against
    a 480 s target must not read "8 min vs 8 min".

    >>> precise("handle_time_median_s", 504.5), precise("qa_accuracy_pct", 84.04)
    ('8.4 min', '84.0%')
    """
    if kpis.KPIS[kpi].unit == "seconds" and not pd.isna(value) and 60 <= abs(value) < 3600:
        return f"{value / 60:.1f} min"
    return kpis.format_value(kpi, value)


def cell(kpi: str, value, status: str | None = None, change=None) -> str:
    """'🔴 10 min (+1 min)': status mark (if given), formatted value, change vs the previous period.

    >>> cell("qa_accuracy_pct", 84.04, "red", -1.5), cell("qa_accuracy_pct", 84.04, None, -1.5)
    ('🔴 84.0% (-1.5 pp)', '84.0% (-1.5 pp)')
    """
    text = precise(kpi, value)
    text = f"{MARK[status]} {text}" if status else text
    if change is None or pd.isna(change) or pd.isna(value):
        return text
    if kpis.KPIS[kpi].unit == "pct":
        return f"{text} ({change:+.1f} pp)"
    sign = "+" if change >= 0 else "-"
    return f"{text} ({sign}{kpis.format_value(kpi, abs(change))})"


def coloured(text: pd.DataFrame, status: pd.DataFrame):
    """A Styler painting each cell of `text` with the colour of the same cell of `status`."""
    css = status.map(lambda s: COLOURS.get(s, ""))
    return text.style.apply(lambda _: css, axis=None)


def with_n(kpi: str, value, n) -> str:
    """A grid cell: the value and, for a measured KPI, how many cases it rests on; n/a for a
    value that measures nothing.

    >>> with_n("vendor_sla_attainment_pct", 62.5, 8), with_n("vendor_resolution_median_s", None, 3)
    ('62.5% · n 8', 'n/a')
    >>> with_n("vendor_open_breached", 84.0, None), with_n("qa_accuracy_pct", 91.0, 1428)
    ('84', '91.0% · n 1.4k')
    """
    if pd.isna(value):
        return NA
    text = precise(kpi, value)
    if kpi not in MEASURED or pd.isna(n):
        return text
    count = f"{n / 1000:.1f}k" if 1000 <= n < 9950 else f"{n / 1000:.0f}k" if n >= 9950 else f"{n:.0f}"
    return f"{text} · n {count}"


def grid(report: VendorReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The active vendors (rows, worst first) × the KPIs any of them has a value for: text
    cells (value · n) and, same shape, their status; first the vendor's open cases and the
    cases it resolved in the period."""
    card = report.scorecard
    order = [k for k in SCORECARD_KPIS if card.loc[card["kpi"] == k, "value"].notna().any()]
    card = card[card["kpi"].isin(order)]
    text = card.assign(text=[with_n(k, v, n) for k, v, n in
                             zip(card["kpi"], card["value"], card.get("n", [None] * len(card)))])
    cells = [text.pivot(index="vendor", columns="kpi", values=c).reindex(columns=order)
             for c in ("text", "status")]
    idle = set(report.attention.loc[report.attention["kpi"] == "resolved_cases", "vendor"])
    worst = cells[1].apply(lambda r: sorted(SEVERITY.get(s, 9) for s in r.fillna("none")), axis=1)
    # a backlog with no throughput is red (the summary counts it so): first, not below the grey
    vendors = sorted(cells[0].index, key=lambda v: (v not in idle, worst[v], v))
    active = (report.activity.set_index("vendor") if report.activity is not None
              else pd.DataFrame(columns=["open_cases", "resolved_cases"]))
    lead = active.reindex(vendors)[["open_cases", "resolved_cases"]].fillna(0).astype(int)
    text_out = pd.concat([lead.map(lambda n: f"{n:,}"), cells[0].reindex(vendors).fillna(NA)],
                         axis=1)
    status_out = pd.concat([pd.DataFrame({"open_cases": "none", "resolved_cases": [
        "red" if v in idle else "none" for v in vendors]}, index=vendors),
        cells[1].reindex(vendors).fillna("none")], axis=1)
    return tuple(f.rename_axis("vendor").reset_index().rename_axis(columns=None)
                 for f in (text_out, status_out))


def summary(report: VendorReport, targets: Targets) -> str:
    """One line over the grid: how many vendors were active and how they stand.

    Counts only; vendor names stay in the widgets that escape them."""
    activity = report.activity
    active = int(activity["active"].sum()) if activity is not None else report.scorecard[
        "vendor"].nunique()
    idle = (len(activity) - active) if activity is not None else 0
    judged = {"red": 0, "amber": 1, "green": 2, "few": 3}   # one grey cell is not the verdict
    worst = report.scorecard.groupby("vendor")["status"].agg(
        lambda s: min(s, key=lambda x: judged.get(x, 9)))
    worst = worst.reindex(report.scorecard["vendor"].unique())
    for vendor in report.attention.loc[report.attention["kpi"] == "resolved_cases", "vendor"]:
        worst[vendor] = "red"
    counts = worst.value_counts()
    parts = [f"{counts.get(s, 0)} {w}" for s, w in (
        ("red", "red"), ("amber", "amber"), ("green", "on target"),
        ("few", "with too few cases to judge")) if counts.get(s, 0)]
    rest = active - sum(counts.get(s, 0) for s in ("red", "amber", "green", "few"))
    parts += [f"{rest} without a KPI to judge"] if rest > 0 else []
    hidden = (f" {idle} vendor{'s' if idle != 1 else ''} with no case open, assigned or "
              "decided in the period are left out." if idle else "")
    return (f"{active} active vendor{'s' if active != 1 else ''}: " + ", ".join(parts) + "."
            + hidden)


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    """The attention list in words: vendor, KPI, status, value vs target, how far, since when."""
    idle = attention["kpi"].eq("resolved_cases")   # a backlog with no throughput
    opened = attention.get("open_cases", pd.Series(index=attention.index, dtype=float))
    return pd.DataFrame({
        "vendor": attention["vendor"],
        "kpi": attention["kpi"].map(lambda k: kpis.KPIS[k].label).where(
            ~idle, "Throughput"),
        "status": attention["status"],
        "value": [f"none resolved or decided, {o:,.0f} open" if i else precise(k, v)
                  for k, v, i, o in zip(attention["kpi"], attention["value"], idle, opened)],
        "target": [NA if i else precise(k, v)
                   for k, v, i in zip(attention["kpi"], attention["target"], idle)],
        "shortfall_pct": attention["shortfall_pct"],
        "periods_off": attention["periods_off"],
        "off_since": attention["off_since"],
        "mix_explains": attention["mix_explains"].map(lambda m: MIX_WORDS[m]),
    })


def queue_breakdown(report: VendorReport, vendor: str, targets: Targets
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The vendor's queues (rows) × period KPIs for the current period: text cells and, same
    shape, their status."""
    rows = report.history[(report.history["vendor"] == vendor) & report.history["queue"].notna()
                          & (report.history["period_start"] == report.current)]
    rows = with_status(rows, targets)
    rows = rows.assign(text=[with_n(k, v, n) for k, v, n in
                             zip(rows["kpi"], rows["value"], rows.get("n", [None] * len(rows)))])
    measured = set(rows.loc[rows["value"].notna(), "kpi"])   # no all-n/a columns
    order = [k for k in SCORECARD_KPIS if k in measured and k not in MIX_KPIS]
    return tuple(rows.pivot(index="queue", columns="kpi", values=v).reindex(columns=order)
                 .fillna("none" if v == "status" else NA).rename_axis(columns=None)
                 .reset_index() for v in ("text", "status"))


def mix_table(mix: pd.DataFrame, report: VendorReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """vendor_mix_adjusted of the current period, the two ratios first, and (same shape) the
    ratios' status from the scorecard."""
    rows = mix[pd.to_datetime(mix["period_start"]).dt.date == report.current]
    rows = rows[rows["vendor"].isin(set(report.scorecard["vendor"]))]   # the active vendors
    first = ["vendor", *MIX_KPIS]
    rows = rows[first + [c for c in rows.columns if c not in first + ["period_start"]]]
    if len(rows):   # no reviews loaded: no handle-time columns of None
        rows = rows.loc[:, rows.notna().any().to_numpy() | (rows.columns == "vendor")]
    status = report.scorecard.pivot(index="vendor", columns="kpi", values="status")
    colours = rows[["vendor"]].join(status.reindex(columns=list(MIX_KPIS)), on="vendor")
    return (rows.reset_index(drop=True),
            colours.reindex(columns=rows.columns).astype(object).fillna("none")
            .reset_index(drop=True))
