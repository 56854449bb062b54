"""`python -m analytics trends`: the ranked emerging trends as of a day, as a table, JSON or CSV.

JSON is a ranked list; each item has kind (segment or term), segment (object) or term, language,
since, observed, expected, score, rank and examples (case ids), among others. Phones, e-mails,
IINs and private @mentions are masked in every format.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys

from analytics import db, settings
from analytics.trends import detect as trends

TABLE_COLUMNS = ("rank", "kind", "label", "language", "since", "observed", "expected", "growth",
                 "score", "priority", "examples")


def _table(records: list[dict]) -> str:
    rows = [[str(r["rank"]), r["kind"], r["label"][:48], r["language"] or "", r["since"],
             f"{r['observed']:.0f}", f"{r['expected']:.1f}", f"×{r['growth']:.1f}",
             f"{r['score']:.2f}", f"{r['priority']:.0f}", " ".join(r["examples"][:3])] for r in records]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(TABLE_COLUMNS)] \
        if rows else [len(c) for c in TABLE_COLUMNS]
    lines = ["  ".join(c.ljust(w) for c, w in zip(TABLE_COLUMNS, widths))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def _csv(records: list[dict]) -> None:
    writer = csv.writer(sys.stdout)
    columns = list(records[0]) if records else list(trends.COLUMNS)
    writer.writerow(columns)
    for r in records:
        writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                         for v in (r[c] for c in columns)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics trends", description=__doc__)
    parser.add_argument("--db", default=None, help="DuckDB file (default: ESCALATION_RADAR_DB)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                        help="judge as of the end of this local date, YYYY-MM-DD "
                             "(default: the last complete day in the data)")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--limit", type=int, default=20, help="show the top N (default 20)")
    args = parser.parse_args(argv)
    db.refresh_if_stale(args.db or settings.db_path())  # a file from older code lacks newer views
    with db.reader(args.db or settings.db_path()) as con:
        as_of = args.as_of or trends.default_as_of(con)
        if as_of is None:
            print("no cases in the database", file=sys.stderr)
            return 1
        cases = trends.load_cases(con, as_of)
        since = trends.covered_since(con, as_of)
    records = trends.to_records(trends.detect_trends(cases, as_of, covered_since=since)
                                .head(args.limit))
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        _csv(records)
    else:
        print(f"Emerging trends as of {as_of} ({len(records)} shown)\n{_table(records)}")
    return 0
