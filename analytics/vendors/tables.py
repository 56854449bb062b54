"""Pure pandas shaping of the vendor report for the Vendors page: display tables whose cells are
text ("10 min (+1 min)") coloured by status, so status, value and change read together at a
glance, and the one-line verdict per vendor that heads the page. The drill-down into one vendor
is analytics/vendors/drilldown.py."""
from __future__ import annotations

import pandas as pd

from analytics import kpis
from analytics.vendors.scorecard import (
    MIX_KPIS,
    SCORECARD_KPIS,
    VendorReport,
    with_status,
)
from analytics.vendors.targets import Targets

MARK = {"green": "🟢", "amber": "🟠", "red": "🔴", "none": "⚪"}
# cell backgrounds: the status must read without colour emoji fonts (many browsers lack them)
COLOURS = {"green": "#d8f0d8", "amber": "#ffe2a8", "red": "#f6bdb5", "none": ""}
MIX_WORDS = {True: "yes: harder mix", False: "no: the vendor", None: "—"}


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


def scorecard_table(card: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """KPIs (labels, column `kpi`) as rows and vendors as columns: the text cells (value and
    change) and, same shape, each cell's status; five vendors fit the page's width, 14 KPIs
    would not."""
    text = [cell(k, v, None, c) for k, v, c in zip(card["kpi"], card["value"], card["change"])]
    card = card.assign(text=text)
    order = [k for k in SCORECARD_KPIS if k in set(card["kpi"])]
    shaped = [card.pivot(index="kpi", columns="vendor", values=v).reindex(order)
              for v in ("text", "status")]
    labels = [kpis.KPIS[k].label for k in order]
    return tuple(f.fillna("none" if i else "—").rename_axis(columns=None).reset_index(drop=True)
                 .assign(kpi=labels).pipe(lambda f: f[["kpi", *f.columns[:-1]]])
                 for i, f in enumerate(shaped))


def coloured(text: pd.DataFrame, status: pd.DataFrame):
    """A Styler painting each cell of `text` with the colour of the same cell of `status`."""
    css = status.map(lambda s: f"background-color: {COLOURS[s]}" if COLOURS.get(s) else "")
    return text.style.apply(lambda _: css, axis=None)


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    """The attention list in words: vendor, KPI, status, value vs target, how far, since when."""
    return pd.DataFrame({
        "vendor": attention["vendor"],
        "kpi": attention["kpi"].map(lambda k: kpis.KPIS[k].label),
        "status": attention["status"],
        "value": [precise(k, v) for k, v in zip(attention["kpi"], attention["value"])],
        "target": [precise(k, v) for k, v in zip(attention["kpi"], attention["target"])],
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
    rows = rows.assign(text=[precise(k, v) for k, v in zip(rows["kpi"], rows["value"])])
    order = [k for k in SCORECARD_KPIS if k in set(rows["kpi"]) and k not in MIX_KPIS]
    return tuple(rows.pivot(index="queue", columns="kpi", values=v).reindex(columns=order)
                 .fillna("none" if v == "status" else "—").rename_axis(columns=None)
                 .reset_index() for v in ("text", "status"))


def _miss(row) -> str:
    """'Handle time (median) 10 min vs target 8 min (26% off, since 2026-06-29)'."""
    return (f"{kpis.KPIS[row.kpi].label} {precise(row.kpi, row.value)} vs target "
            f"{precise(row.kpi, row.target)} ({row.shortfall_pct:.0f}% off, since "
            f"{row.off_since:%Y-%m-%d})")


def headlines(report: VendorReport, shown: int = 3) -> list[tuple[str, str, str]]:
    """The page's verdict per vendor, worst first: (level, vendor, text) with level 'error'
    (a red miss the case mix does not explain), 'warning' (amber only), 'info' (misses the
    mix explains: the mix-adjusted figures are on target) or 'success' (on target)."""
    off, out = report.attention, []
    for vendor, rows in off[off["mix_explains"].ne(True)].groupby("vendor", sort=False):
        level = "error" if (rows["status"] == "red").any() else "warning"
        more = f"; and {len(rows) - shown} more" if len(rows) > shown else ""
        count = f"{len(rows)} KPI" + ("s" if len(rows) > 1 else "")
        out.append((level, vendor, f"{'red' if level == 'error' else 'amber'}: misses {count}, "
                    "not explained by its case mix: " + "; ".join(_miss(r) for r in rows.head(shown).itertuples()) + more))
    mix = report.scorecard.set_index(["vendor", "kpi"])["value"]
    for vendor, rows in off[off["mix_explains"].eq(True)].groupby("vendor", sort=False):
        adjusted = ", ".join(f"{kpis.KPIS[k].label} {kpis.format_value(k, mix.get((vendor, k)))}"
                             for k in MIX_KPIS)
        out.append(("info", vendor, "looks off target only because of its harder case mix: "
                    + "; ".join(_miss(r) for r in rows.itertuples())
                    + f". Adjusted for the mix it is on target ({adjusted})."))
    fine = sorted(set(report.scorecard["vendor"]) - set(off["vendor"]))
    out += [("success", vendor, "is on target on every KPI with a target.") for vendor in fine]
    return out


def mix_table(mix: pd.DataFrame, report: VendorReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """vendor_mix_adjusted of the current period, the two ratios first, and (same shape) the
    ratios' status from the scorecard."""
    rows = mix[pd.to_datetime(mix["period_start"]).dt.date == report.current]
    first = ["vendor", *MIX_KPIS]
    rows = rows[first + [c for c in rows.columns if c not in first + ["period_start"]]]
    status = report.scorecard.pivot(index="vendor", columns="kpi", values="status")
    colours = rows[["vendor"]].join(status.reindex(columns=list(MIX_KPIS)), on="vendor")
    return (rows.reset_index(drop=True),
            colours.reindex(columns=rows.columns).astype(object).fillna("none")
            .reset_index(drop=True))
