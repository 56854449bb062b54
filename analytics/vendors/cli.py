"""`python -m analytics vendors`: the vendor scorecard of the latest complete week or month
(value, previous period, target, red/amber/green status per vendor and KPI), then what needs
attention, as a table, JSON or CSV."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from analytics import db, kpis, settings
from analytics.vendors.report import build_report, query_with

COLUMNS = ["vendor", "kpi", "value", "previous", "change", "target", "status", "shortfall_pct"]


def _table(report) -> str:
    card = report.scorecard.assign(
        kpi=lambda f: f["kpi"].map(lambda k: kpis.KPIS[k].label),
        value=[kpis.format_value(k, v) for k, v in zip(report.scorecard["kpi"],
                                                      report.scorecard["value"])],
        target=[kpis.format_value(k, v) for k, v in zip(report.scorecard["kpi"],
                                                       report.scorecard["target"])])
    shown = card.pivot(index="kpi", columns="vendor", values="value")
    status = card.pivot(index="kpi", columns="vendor", values="status")
    merged = shown + " (" + status + ")"
    lines = [f"Vendor scorecard, {report.period} starting {report.current} "
             f"(previous {report.previous})", merged.to_string(), "", "Needs attention:"]
    for row in report.attention.itertuples():
        if row.kpi == "resolved_cases":   # a backlog with no throughput
            lines.append(f"  {row.vendor}: red, {row.open_cases:,.0f} open cases but none "
                         f"resolved or decided in the {report.period}")
            continue
        mix = " - the case mix explains it" if row.mix_explains else ""
        lines.append(f"  {row.vendor}: {kpis.KPIS[row.kpi].label} {row.status}, "
                     f"{row.shortfall_pct:.1f}% off target for {row.periods_off} "
                     f"{report.period}(s) since {row.off_since}{mix}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics vendors", description=__doc__)
    parser.add_argument("--db", default=str(settings.db_path()), help="DuckDB file to read")
    parser.add_argument("--period", choices=("week", "month"), default="week")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    args = parser.parse_args(argv)
    db.refresh_if_stale(Path(args.db))   # a file from older code lacks the derived tables
    with db.reader(args.db) as con:
        report = build_report(query_with(con), args.period)
    card = report.scorecard[COLUMNS]
    if args.format == "csv":
        card.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(json.dumps({
            "period": report.period, "period_start": str(report.current),
            "previous_period_start": str(report.previous),
            "scorecard": json.loads(card.to_json(orient="records")),
            "attention": json.loads(report.attention.to_json(orient="records", date_format="iso")),
        }, indent=2))
    else:
        print(_table(report))
    return 0
