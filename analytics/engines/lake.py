"""The lake: canonical `cases` and `reviews` as Parquet files, partitioned by market-local month.

Layout (one layout, read by Spark and by DuckDB alike):

    LAKE/cases/month=YYYY-MM/part-00000.parquet     stored cases created that month
    LAKE/reviews/month=YYYY-MM/part-00000.parquet   reviews decided that month
    LAKE/serving/<build id>/<table>/part-*.parquet  per-case tables a build derived (fact table,
                                                    business clock, review mix): the serving
                                                    store's views read them (analytics/engines/build)

Columns are the database's `cases` / `reviews` tables (the contract's columns plus ingest_id and
the market-local dates), rows sorted by market and time inside a file, 122,880-row groups, so that
a drill-down's market and date filters skip row groups. Rows without a date go to month=none.

`python -m analytics lake export --db FILE --lake PATH` writes it from an existing database
(a test's, or an org's first migration); an org whose cases already sit in Parquet in its own
columns imports them with `python -m analytics lake import` (a mapping, validated
on Spark, rejected rows to LAKE/quarantine/, the run to LAKE/imports/), or writes the same layout
from its own jobs. Each export notes its lake in `.<db name>.lakes` beside the database
(one absolute path a line), so that `purge` can write those lakes again without the purged rows
(analytics/ingest/purge.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq

from analytics import db

TABLES = ("cases", "reviews")
ROW_GROUP = 122_880
# characters DuckDB and Spark would read as a glob pattern in a file name
_GLOB = re.compile(r"[*?\[\]{}]")
_MONTH = re.compile(r"^month=(\d{4}-\d{2}|none)$")


class LakeError(ValueError):
    """A lake path or layout this code cannot read or write."""


def checked(path: Path | str) -> Path:
    """An absolute lake path without glob characters (engines would expand them)."""
    path = Path(path).expanduser().resolve()
    if _GLOB.search(str(path)):
        raise LakeError(f"lake path {path}: contains one of * ? [ ] {{ }}, which Spark and DuckDB "
                        "read as a pattern; move the lake to a path without them")
    return path


def files(lake: Path | str, table: str) -> list[Path]:
    """The Parquet files of one table, in month order; a clear error when there are none."""
    folder = checked(lake) / table
    found = sorted(part for month in (folder.iterdir() if folder.is_dir() else ())
                   if month.is_dir() and _MONTH.match(month.name)
                   for part in month.iterdir() if part.suffix == ".parquet")
    if table == "cases" and not found:
        raise LakeError(f"{folder}: no month=YYYY-MM/*.parquet files (see analytics/engines/lake.py "
                        "for the layout, or write one with `python -m analytics lake export`)")
    return found


def manifest_for(db_path: Path | str) -> Path:
    """The list of lakes exported from the database at `db_path`."""
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}.lakes")


def exported_to(db_path: Path | str) -> list[Path]:
    """The lakes `export` has written from the database at `db_path`, as noted."""
    manifest = manifest_for(db_path)
    lines = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
    return [Path(line) for line in dict.fromkeys(lines) if line.strip()]


def _note(db_path: Path, lake: Path) -> None:
    manifest = manifest_for(db_path)
    lakes = [str(p) for p in exported_to(db_path) if p != lake] + [str(lake)]
    scratch = manifest.with_name(f"{manifest.name}.writing-{os.getpid()}")
    scratch.write_text("".join(f"{line}\n" for line in lakes), encoding="utf-8")
    os.replace(scratch, manifest)


def export(db_path: Path | str, lake: Path | str) -> dict[str, int]:
    """Write the database's cases and reviews as the lake layout (replacing those two folders,
    each through a scratch folder renamed into place). Returns the rows written per table."""
    lake = checked(lake)
    lake.mkdir(parents=True, exist_ok=True)
    written = {}
    with db.reader(Path(db_path)) as con:
        months = db.query_df(con, "lake/months")
        for table in TABLES:
            scratch = lake / f".{table}.writing-{os.getpid()}"
            shutil.rmtree(scratch, ignore_errors=True)
            rows = 0
            for month in months.loc[months["table_name"] == table, "month"]:
                part = db.query_arrow(con, f"lake/{table}_month", month=month)
                (scratch / f"month={month}").mkdir(parents=True)
                pq.write_table(part, scratch / f"month={month}" / "part-00000.parquet",
                               row_group_size=ROW_GROUP)
                rows += part.num_rows
            scratch.mkdir(parents=True, exist_ok=True)
            old = lake / f".{table}.old-{os.getpid()}"
            if (lake / table).exists():
                os.replace(lake / table, old)
            os.replace(scratch, lake / table)
            shutil.rmtree(old, ignore_errors=True)
            # a `lake import` of this table before is replaced too: its run and rejected rows go
            (lake / "imports" / f"{table}.json").unlink(missing_ok=True)
            shutil.rmtree(lake / "quarantine" / table, ignore_errors=True)
            written[table] = rows
    _note(Path(db_path), lake)
    return written


def records(lake: Path | str) -> list[dict]:
    """The `ingests` rows of the lake's imports (LAKE/imports/<kind>.json, written by
    analytics/ingest/lake_import.py); build.write_store stores them."""
    folder = checked(lake) / "imports"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))] \
        if folder.is_dir() else []


def quarantined(lake: Path | str) -> list[Path]:
    """The lake's rejected rows (LAKE/quarantine/<kind>/*.parquet, `rejected_rows` columns)."""
    folder = checked(lake) / "quarantine"
    return sorted(p for p in folder.rglob("*.parquet") if not p.name.startswith((".", "_"))) \
        if folder.is_dir() else []


def add_export_command(sub) -> None:
    out = sub.add_parser("export", help="Write a database's cases and reviews as the lake layout.")
    out.add_argument("--db", required=True, type=Path, help="the DuckDB file to read")
    out.add_argument("--lake", required=True, type=Path, help="the lake folder to write")


def main(argv: list[str] | None = None) -> int:
    """`lake export` alone (`python -m analytics lake` adds `import`: analytics/ingest/lake_import)."""
    parser = argparse.ArgumentParser(prog="python -m analytics lake",
                                     description="Write the lake layout (Parquet by month).")
    add_export_command(parser.add_subparsers(dest="action", required=True))
    return run_export(parser.parse_args(argv))


def run_export(args) -> int:
    if not args.db.exists():
        print(f"error: {args.db}: no such database file", file=sys.stderr)
        return 2
    try:
        written = export(args.db, args.lake)
    except LakeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(", ".join(f"{table}: {rows:,} rows" for table, rows in written.items())
          + f" written to {checked(args.lake)}")
    return 0
