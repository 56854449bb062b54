"""`python -m analytics spikes`: list the spike events in the database (table, JSON or CSV).

JSON is a list of events with metric, segment (dimension → value), start, peak, end, observed,
expected, excess, score, p_value (and event_id, grain, buckets, related). Metric `cases` is case
volume; daily runs add `sla_breach_rate` (observed/expected/excess in breaches) and
`first_response_median_s` (in seconds), unless --metric chooses one.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd

from analytics import db, settings
from analytics.spikes import kpi_series as spike_kpis
from analytics.spikes import triage as spike_db


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics spikes", description=__doc__)
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: ESCALATION_RADAR_DB)")
    parser.add_argument("--grain", choices=["day", "hour"], default="day")
    parser.add_argument("--since", type=dt.date.fromisoformat, default=None,
                        help="only events ending on or after this date (YYYY-MM-DD)")
    parser.add_argument("--until", type=dt.date.fromisoformat, default=None,
                        help="score the data up to this market-local date (inclusive)")
    parser.add_argument("--market", default=None, help="only segments within this market")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    parser.add_argument("--metric", choices=["all", "cases", *spike_kpis.METRICS], default="all",
                        help="which series to watch (rate/duration KPIs are daily only)")
    return parser


def _segment_text(segment: dict) -> str:
    return " × ".join(f"{k}={v}" for k, v in segment.items()) or "all cases"


def _parts_text(parts: list[dict]) -> str:
    """The components in one cell: "market=C × abuse_category=tiny 121 vs 0.5 (33%); ..."."""
    return "; ".join(f"{_segment_text(p['segment'])} {p['observed']:g} vs {p['expected']:g} "
                     f"({p['share']:.0%})" for p in parts)


# the csv's columns (events_json's keys, segment second): printed as a header when no event is
# found, so a script reading the csv sees the same columns either way
CSV_COLUMNS = ["event_id", "segment", "metric", "direction", "grain", "start", "peak", "end", "buckets",
               "observed", "expected", "excess", "score", "p_value", "severity", "related",
               "headline", "components", "components_share"]


def _flat(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records)
    if frame.empty:
        return pd.DataFrame(columns=CSV_COLUMNS)
    frame.insert(1, "segment_text", frame.pop("segment").map(_segment_text))
    frame["components"] = frame["components"].map(_parts_text)
    return frame.rename(columns={"segment_text": "segment"})


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = Path(args.db or settings.db_path())
    if not path.exists():
        print(f"no database at {path}", file=sys.stderr)
        return 1
    db.refresh_if_stale(path)  # a file from older code lacks newer views
    with db.reader(path) as con:
        _, events = spike_db.detect(con, grain=args.grain, since=args.since, until=args.until,
                                    market=args.market)
        if args.grain == "day" and args.metric != "cases":
            _, kpi_events = spike_db.detect_kpis(con, since=args.since, until=args.until,
                                                 market=args.market)
            events = pd.concat([events, kpi_events], ignore_index=True)
    if args.metric != "all":
        events = events[events["metric"] == args.metric]
    records = spike_db.events_json(events)
    if args.format == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.format == "csv":
        _flat(records).to_csv(sys.stdout, index=False)
    else:
        frame = _flat(records)
        shown = frame.drop(columns=["event_id", "grain", "components", "components_share"],
                           errors="ignore")
        print(shown.to_string(index=False) if len(frame) else "no spike events")
    return 0
