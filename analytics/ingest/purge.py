"""`python -m analytics purge --before DATE [--db PATH]`: data retention.

Removes cases created (market-local date) before DATE with their events and reviews, reviews
decided before DATE, and the quarantined raw records of ingests started before DATE (they hold
personal data too). Derived tables (sql/derived/) are rebuilt by the writer from what is left, so
no aggregate keeps the removed cases. One writer transaction: it lands whole or not at all, and
leaves an entry in the ingest log (`ingests`, kind 'purge', what was removed in file_name).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from analytics import db

# Order matters: events and reviews find their cases before the cases go.
STEPS = (("case_events", "purge_case_events"), ("reviews", "purge_reviews"),
         ("cases", "purge_cases"), ("rejected_rows", "purge_rejected_rows"))


def purge(before: dt.date, *, db_path=None) -> dict[str, int]:
    """Delete what is older than `before`; rows removed per table (and the log's ingest_id)."""
    started, started_at = time.monotonic(), dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.writer(db_path) as con:
        removed = {table: int(db.run_sql(con, f"ingest/{sql}", before=before).fetchall()[0][0])
                   for table, sql in STEPS}
        ingest_id = int(db.run_sql(con, "ingest/next_ingest_id").fetchall()[0][0])
        description = f"purge before {before.isoformat()}: " + ", ".join(
            f"{n:,} {table}" for table, n in removed.items())
        db.run_sql(con, "ingest/purge_log", ingest_id=ingest_id, description=description,
                   started_at=started_at, duration_s=time.monotonic() - started).fetchall()
    return removed | {"ingest_id": ingest_id}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics purge",
                                     description="Remove data older than a date (retention).")
    parser.add_argument("--before", required=True, type=dt.date.fromisoformat, metavar="DATE",
                        help="YYYY-MM-DD: cases created and reviews decided before it are removed")
    parser.add_argument("--db", help="DuckDB file (default: $ESCALATION_RADAR_DB)")
    args = parser.parse_args(argv)
    try:
        removed = purge(args.before, db_path=args.db)
    except db.WriterBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    ingest_id = removed.pop("ingest_id")
    print(", ".join(f"{n:,} {table}" for table, n in removed.items())
          + f" removed (logged as ingest {ingest_id})")
    return 0
