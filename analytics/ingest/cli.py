"""`python -m analytics ingest FILE... [--kind cases|reviews] [--mapping FILE] [--db PATH]
[--rejected-csv FILE]`: load exports, print progress lines and the counts of every file.
`python -m analytics ingest --watch DIR [--once] [--interval S]`: load exports as they land
(analytics/ingest/watch.py), each once.

Bad input prints a message naming the file (and row and column) and exits with status 1,
never a traceback; control characters from names and values are printed escaped (\x1b), never
as terminal escape sequences. `--mapping` takes a path or the name of a file in data/mappings/.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from analytics import dataset as demo_dataset
from analytics import settings
from analytics.ingest import mapping as mapping_mod
from analytics.ingest.mapping import resolve_mapping
from analytics.ingest.pipeline import ingest_file
from analytics.ingest.report import IngestError, IngestReport, printable
from analytics.ingest.suggest import rejected_rows

HEADER = ("file", "kind", "read", "inserted", "updated", "unchanged", "superseded", "rejected",
          "seconds", "rows/s")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics ingest",
                                     description="Load case or review exports into the database.")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="CSV, Parquet, JSON Lines or .xlsx; plain, .gz or .zip")
    parser.add_argument("--watch", metavar="DIR", help="load every new export landing in DIR, once")
    parser.add_argument("--once", action="store_true", help="with --watch: one scan, then exit")
    parser.add_argument("--interval", type=float, default=10.0, metavar="S",
                        help="with --watch: seconds between scans (default 10)")
    parser.add_argument("--kind", choices=mapping_mod.KINDS, help="default: guessed from headers")
    parser.add_argument("--mapping", help="mapping TOML, or the name of one in data/mappings/")
    parser.add_argument("--db", help="DuckDB file (default: $ESCALATION_RADAR_DB)")
    parser.add_argument("--rejected-csv", metavar="FILE", help="also write the rejected rows here")
    return parser


def _progress_printer(out):
    last = [0.0, ""]

    def progress(fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - last[0] >= 1.0 or not message.startswith(last[1][:20]):
            print(printable(f"[{fraction:4.0%}] {message}"), file=out, flush=True)
            last[:] = [now, message]
    return progress


def counts_table(reports: list[IngestReport]) -> str:
    """The final counts, one line per file, aligned."""
    rows = [HEADER] + [(r.file_name, r.kind, *(f"{v:,}" for v in r.counts().values()),
                        f"{r.duration_s:.1f}", f"{r.rows_per_s:,.0f}") for r in reports]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))) for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    target = Path(args.db) if args.db else settings.db_path()
    if demo_dataset.is_demo(target):   # the demo is kept apart (analytics/dataset.py)
        print(f"error: {printable(demo_dataset.refusal(target, 'loading exports into it'))}",
              file=sys.stderr)
        return 2
    print(printable(f"database: {target}"), file=sys.stdout, flush=True)
    if args.watch:
        return _watch(args)
    if not args.files:
        parser.error("give FILE(s) to load, or --watch DIR")
    out = sys.stdout
    reports, failed = [], False
    for file in args.files:
        try:
            reports.append(ingest_file(file, kind=args.kind, mapping=resolve_mapping(args.mapping),
                                       db_path=args.db, progress=_progress_printer(out)))
        except IngestError as exc:
            print(f"error: {printable(str(exc))}", file=sys.stderr)
            failed = True
        except Exception as exc:   # noqa: BLE001 - a bug met by one file: say so, go on
            print(printable(f"error: {Path(file).name}: could not be loaded ({type(exc).__name__}: "
                            f"{exc}); please report this file"), file=sys.stderr)
            failed = True
    if reports:
        print("\n" + printable(counts_table(reports)), file=out)
        for report in reports:
            for message in report.messages:
                print(printable(message), file=out)
        _report_rejected(reports, args.rejected_csv, args.db, out)
    return 1 if failed else 0


def _watch(args) -> int:
    from analytics.ingest.watch import watch
    try:
        loaded = watch(args.watch, db_path=args.db, kind=args.kind,
                       mapping=resolve_mapping(args.mapping), once=args.once,
                       interval_s=args.interval, say=lambda m: print(printable(m), flush=True))
    except IngestError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    print(f"watch: {loaded} file(s) loaded", flush=True)
    return 0


def _report_rejected(reports: list[IngestReport], csv_path, db_path, out) -> None:
    with_rejects = [r for r in reports if r.rows_rejected]
    if not with_rejects:
        return
    ids = ", ".join(str(r.ingest_id) for r in with_rejects)
    print(f"rejected rows: table rejected_rows, ingest_id in ({ids})", file=out)
    if csv_path:
        frame = pd.concat([rejected_rows(r.ingest_id, db_path) for r in with_rejects])
        frame.to_csv(csv_path, index=False)
        print(f"wrote {len(frame):,} rejected rows to {csv_path}", file=out)
