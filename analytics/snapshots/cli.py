"""`python -m analytics snapshot`: a frozen, shareable snapshot of one page (or the weekly review).

    python -m analytics snapshot --page trends --market KZ --out kz.html
    python -m analytics snapshot --page wbr --out review.html      # the Monday document

Writes the HTML (opens offline), `<out>_files/` with a CSV per table and a PNG per chart, and
records the snapshot in the database. docs/sharing.md has the details.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from analytics import settings
from analytics.snapshots import build as snapshot


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analytics snapshot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", required=True, choices=snapshot.PAGES,
                        help="the page to freeze; wbr = weekly business review")
    parser.add_argument("--market", action="append", default=[], help="market code (repeatable)")
    parser.add_argument("--category", action="append", default=[], help="abuse category (repeatable)")
    parser.add_argument("--source", action="append", default=[], help="source (repeatable)")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="first created date, YYYY-MM-DD")
    parser.add_argument("--until", type=dt.date.fromisoformat, help="last created date, YYYY-MM-DD")
    parser.add_argument("--select", action="append", default=[], metavar="KEY=VALUE",
                        help="the page's own pick, as in its URL: kpi=..., by=..., spike=<event "
                             "id>, as_of=YYYY-MM-DD (trends), market=... (markets)")
    parser.add_argument("--include-examples", action="store_true",
                        help="include example cases (ids and text): internal audiences only")
    parser.add_argument("--by", help="who makes it (default: the login name)")
    parser.add_argument("--no-png", action="store_true", help="skip the PNG export")
    parser.add_argument("--out", required=True, type=Path, help="the HTML file to write")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: ESCALATION_RADAR_DB)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    selection = dict(pair.split("=", 1) for pair in args.select)
    request = snapshot.Request(args.page, args.since, args.until, tuple(args.market),
                               tuple(args.category), tuple(args.source), selection,
                               args.include_examples, args.by)
    written = snapshot.make(args.db or settings.db_path(), request, args.out,
                            browser=None if args.no_png else "auto")
    print(json.dumps({"snapshot_id": written["snapshot_id"], "html": str(written["html"]),
                      "sha256": written["sha256"], "files": written["files"],
                      "png_note": written["png_note"]}, indent=2))
    return 0
