"""`ingest_file`: one export into the database in one writer transaction.

open (readers) -> plan (mapping + headers) -> for each batch: validate, stage, quarantine ->
classify and upsert (store) -> record the run in `ingests`. Reading streams batch by batch, so
a file never has to fit in memory as a DataFrame; staging happens inside DuckDB.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
import zlib
import zipfile
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from analytics import db
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import quarantine, readers, store
from analytics.ingest.report import IngestError, IngestReport
from analytics.ingest.validate import Plan, validate_batch

Progress = Callable[[float, str], None]
READ_ERRORS = (ValueError, OSError, EOFError, zlib.error, zipfile.BadZipFile, UnicodeError)


def _load_mapping(mapping, name: str) -> mapping_mod.Mapping:
    if mapping is None:
        return mapping_mod.Mapping()
    try:
        return mapping_mod.load_mapping(mapping)
    except ValueError as exc:
        raise IngestError(f"{name}: {exc}") from None


def open_export(path: Path, the_mapping: mapping_mod.Mapping, name: str) -> readers.Table:
    """The opened table, or an IngestError naming the file."""
    try:
        return readers.open_table(path, encoding=the_mapping.encoding,
                                  delimiter=the_mapping.delimiter)
    except readers.ReadError as exc:
        raise IngestError(f"{name}: {exc}") from None
    except READ_ERRORS as exc:
        raise IngestError(f"{name}: cannot read the file ({type(exc).__name__}: {exc})") from None


def decide_kind(kind: str | None, the_mapping: mapping_mod.Mapping, headers: list[str],
                name: str) -> str:
    if kind is not None and kind not in mapping_mod.KINDS:
        raise IngestError(f"{name}: kind must be one of {mapping_mod.KINDS}, not {kind!r}")
    if kind and the_mapping.kind and kind != the_mapping.kind:
        raise IngestError(f"{name}: --kind {kind} contradicts the mapping's kind {the_mapping.kind}")
    found = kind or the_mapping.kind or mapping_mod.guess_kind(headers)
    if found is None:
        raise IngestError(f"{name}: cannot tell whether this file holds cases or reviews (no "
                          "case_id/created_at or review_id/decided_at header); pass --kind or a mapping")
    return found


def make_plan(kind: str, the_mapping: mapping_mod.Mapping, headers: list[str],
              name: str) -> tuple[Plan, list[str]]:
    """The plan and the messages that explain it (missing columns, overrides, suggestions)."""
    resolved = mapping_mod.resolve_columns(headers, kind, the_mapping)
    messages = [f"{name}: mapping names column '{s}', which the file does not have"
                for s in mapping_mod.missing_sources(headers, resolved)]
    present = set(headers)
    resolved = {c: tuple(s for s in srcs if s in present) for c, srcs in resolved.items()}
    resolved = {c: s for c, s in resolved.items() if s}
    suggestions = mapping_mod.alias_suggestions(headers, kind)
    for spec in mapping_mod.contract.TABLES[kind]:
        if spec.required and spec.name not in resolved and spec.name not in the_mapping.constants:
            hint = [h for h, c in suggestions.items() if c == spec.name]
            messages.append(f"{name}: required column '{spec.name}' not found; every row is "
                            "quarantined" + (f" (the file has {hint[0]!r}, which looks like it: "
                                             "map it in a mapping file, see docs/mappings.md)"
                                             if hint else ""))
    return Plan(kind, resolved, the_mapping), messages


def _guarded(batches: Iterator[pd.DataFrame], name: str) -> Iterator[pd.DataFrame]:
    """Batches, with a failure part-way through the file turned into an IngestError."""
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            raise IngestError(f"{name}: cannot read the file ({type(exc).__name__}: {exc})") from None
        yield batch


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load(con, table: readers.Table, plan: Plan, ingest_id: int, name: str,
          progress: Progress) -> tuple[int, int, list[pd.DataFrame]]:
    """Validate, stage and quarantine every batch; (rows read, rows rejected, problem tallies)."""
    read = rejected = 0
    tallies: list[pd.DataFrame] = []
    for batch in _guarded(table.batches, name):
        valid, problems = validate_batch(batch, plan)
        store.stage_batch(con, plan.kind, valid)
        store.quarantine(con, ingest_id, name, quarantine.rejected_frame(batch, problems))
        read += len(batch)
        rejected += len(batch) - len(valid)
        tallies.append(quarantine.tally(problems))
        progress(0.02 + 0.83 * table.progress(), f"{name}: read {read:,} rows, {rejected:,} rejected")
    malformed = quarantine.malformed_frame(table.bad_rows)
    store.quarantine(con, ingest_id, name, malformed)
    tallies.append(quarantine.tally_malformed(table.bad_rows))
    return read + len(malformed), rejected + len(malformed), tallies


def ingest_file(path, *, kind: str | None = None, mapping=None, db_path=None,
                progress: Progress | None = None, file_name: str | None = None) -> IngestReport:
    """Load one export (see docs/data-contract.md for what every count means)."""
    path = Path(path)
    name = file_name or path.name
    progress = progress or (lambda fraction, message: None)
    started, started_at = time.monotonic(), dt.datetime.now(dt.UTC).replace(tzinfo=None)
    the_mapping = _load_mapping(mapping, name)
    progress(0.0, f"{name}: opening")
    table = open_export(path, the_mapping, name)
    kind = decide_kind(kind, the_mapping, table.headers, name)
    plan, messages = make_plan(kind, the_mapping, table.headers, name)
    progress(0.01, f"{name}: {table.description}, {len(table.headers)} columns, kind {kind}")
    try:
        with db.writer(db_path, on_wait=lambda m: progress(0.0, m)) as con:
            ingest_id = store.begin(con, kind)
            read, rejected, tallies = _load(con, table, plan, ingest_id, name, progress)
            progress(0.9, f"{name}: storing")
            counts = store.apply(con, kind, ingest_id)
            report = IngestReport(
                ingest_id, name, kind, read, counts["inserted"], counts["updated"],
                counts["unchanged"], counts["superseded"], rejected,
                messages=messages + quarantine.messages(tallies, rejected),
                mapping_name=the_mapping.name, events_added=counts.get("events_added", 0))
            report.duration_s = time.monotonic() - started
            store.record(con, ingest_id=ingest_id, kind=kind, file_name=name,
                         file_sha256=sha256_of(path), mapping_name=the_mapping.name,
                         started_at=started_at,
                         finished_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                         rows_read=read, rows_inserted=report.rows_inserted,
                         rows_updated=report.rows_updated, rows_unchanged=report.rows_unchanged,
                         rows_superseded=report.rows_superseded, rows_rejected=rejected,
                         duration_s=report.duration_s)
    except db.WriterBusy as exc:
        raise IngestError(f"{name}: {exc}") from None
    report.duration_s = time.monotonic() - started  # now including the atomic swap
    if read == 0:
        report.messages.append(f"{name}: the file has a header but no data rows")
    if not report.is_reconciled:  # a bug, never bad input: say so loudly
        raise AssertionError(f"counts do not add up: {report.counts()}")
    progress(1.0, f"{name}: done")
    return report
