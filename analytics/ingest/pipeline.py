"""`ingest_file`: one export into the database in one writer transaction.

open (readers) -> plan (plan.py: mapping + headers) -> load: DuckDB reads and validates the file
itself where native.py's rule allows (plain CSV and Parquet, no value-level mapping), else for
each batch: validate, stage, quarantine -> classify and upsert (store) -> record the run in
`ingests`. Either way the file streams, so it never has to fit in memory as a DataFrame; staging
happens inside DuckDB, and both loads give the same rows, quarantine and report.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from analytics import db, settings
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import csv_reader, native, quarantine, readers, store
from analytics.ingest.plan import decide_kind, make_plan
from analytics.ingest.report import IngestBusy, IngestError, IngestReport
from analytics.ingest.validate import Plan, long_durations, validate_batch

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
        table = readers.open_table(path, encoding=the_mapping.encoding,
                                   delimiter=the_mapping.delimiter)
    except readers.ReadError as exc:
        raise IngestError(f"{name}: {exc}") from None
    except READ_ERRORS as exc:
        raise IngestError(f"{name}: cannot read the file ({type(exc).__name__}: {exc})") from None
    most = int(settings.get("ESCALATION_RADAR_INGEST_MAX_COLUMNS"))
    if len(table.headers) > most:   # 5,012 columns ran DuckDB out of memory at 2 GB
        raise IngestError(f"{name}: refused: {len(table.headers):,} columns, more than the "
                          f"{most:,} an export may have (ESCALATION_RADAR_INGEST_MAX_COLUMNS)")
    return table


def _guarded(batches: Iterator[pd.DataFrame], name: str) -> Iterator[pd.DataFrame]:
    """Batches, with a failure part-way through the file turned into an IngestError."""
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (readers.ReadError, csv_reader.CsvFormatError) as exc:
            raise IngestError(f"{name}: {exc}") from None
        except READ_ERRORS as exc:
            raise IngestError(f"{name}: cannot read the file ({type(exc).__name__}: {exc})") from None
        _check_cells(batch, name)
        yield batch


def _check_rows(rows: int, name: str) -> None:
    try:
        readers.check_rows(rows)
    except readers.ReadError as exc:
        raise IngestError(f"{name}: {exc}") from None


def _check_cells(batch: pd.DataFrame, name: str) -> None:
    """Refuse a value over the cell cap (ESCALATION_RADAR_INGEST_MAX_CELL_MB), naming its row
    and column: nothing in a case export needs it, and every page would carry it."""
    most = readers.max_cell_bytes()
    for column in batch.columns:
        values = batch[column]
        if str(values.dtype) in ("str", "string"):
            lengths = values.str.len()
        elif values.dtype == object:
            lengths = values.map(lambda v: len(v) if isinstance(v, (str, bytes)) else 0,
                                 na_action="ignore")
        else:
            continue
        over = lengths[lengths > most]
        if len(over):
            raise IngestError(f"{name}: refused: row {over.index[0]}, column {column!r}: a value of "
                              f"{over.iloc[0] / 2**20:,.1f} MB, more than the {most / 2**20:g} MB a "
                              "cell may hold (ESCALATION_RADAR_INGEST_MAX_CELL_MB)")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load(con, table: readers.Table, plan: Plan, ingest_id: int, name: str,
          progress: Progress, work_dir: Path) -> tuple[int, int, list[pd.DataFrame], int]:
    """Validate, stage and quarantine every row; (rows read, rows rejected, problem tallies,
    rows kept with a duration over a year). DuckDB reads the file itself where native.py's rule
    allows and its SQL can judge every value; otherwise pandas does, batch by batch. A large
    CSV's pieces go to `work_dir` (the ingest's spill folder: removed after it, and by the next
    ingest after a kill)."""
    if native.can_load(table, plan):
        progress(0.02, f"{name}: loading with DuckDB")
        try:
            loaded = native.load(con, table, plan, ingest_id, name, work_dir=work_dir,
                                 progress=lambda f, m: progress(0.02 + 0.83 * f, m))
        except readers.ReadError as exc:   # over the row cap part-way through
            raise IngestError(f"{name}: {exc}") from None
        if loaded is not None:
            return loaded
        progress(0.02, f"{name}: reading batch by batch")
    return _load_batches(con, table, plan, ingest_id, name, progress)


def _load_batches(con, table: readers.Table, plan: Plan, ingest_id: int, name: str,
                  progress: Progress) -> tuple[int, int, list[pd.DataFrame], int]:
    """The pandas path: validate, stage and quarantine batch by batch."""
    read = rejected = long = 0
    tallies: list[pd.DataFrame] = []
    for batch in _guarded(table.batches, name):
        _check_rows(read + len(batch), name)
        valid, problems = validate_batch(batch, plan)
        store.stage_batch(con, plan.kind, valid)
        store.quarantine(con, ingest_id, name, quarantine.rejected_frame(batch, problems))
        read += len(batch)
        rejected += len(batch) - len(valid)
        long += long_durations(valid, plan.kind)
        tallies.append(quarantine.tally(problems))
        progress(0.02 + 0.83 * table.progress(), f"{name}: read {read:,} rows, {rejected:,} rejected")
    malformed = quarantine.malformed_frame(table.bad_rows)
    store.quarantine(con, ingest_id, name, malformed)
    tallies.append(quarantine.tally_malformed(table.bad_rows))
    return read + len(malformed), rejected + len(malformed), tallies, long


def ingest_file(path, *, kind: str | None = None, mapping=None, db_path=None,
                progress: Progress | None = None, file_name: str | None = None,
                on_stored: Callable | None = None) -> IngestReport:
    """Load one export (see docs/data-contract.md for what every count means).

    `on_stored(con, report)` runs inside the ingest's transaction, after it is recorded and
    before the commit: what it writes to `con` lands with the ingest or not at all (the watcher
    notes there, in the app-state store, which ingest id is about to commit: watch.py)."""
    path = Path(path)
    name = file_name or path.name
    progress = progress or (lambda fraction, message: None)
    started, started_at = time.monotonic(), dt.datetime.now(dt.UTC).replace(tzinfo=None)
    the_mapping = _load_mapping(mapping, name)
    progress(0.0, f"{name}: opening")
    table = open_export(path, the_mapping, name)
    kind = decide_kind(kind, the_mapping, table.headers, name)
    plan, messages = make_plan(kind, the_mapping, table, name)
    progress(0.01, f"{name}: {table.description}, {len(table.headers)} columns, kind {kind}")
    db_path = Path(db_path or settings.db_path())
    try:
        with db.writer(db_path, on_wait=lambda m: progress(0.0, m), derived="keep") as con:
            store.limit_memory(con, db_path)
            ingest_id = store.begin(con, kind)
            read, rejected, tallies, long = _load(con, table, plan, ingest_id, name, progress,
                                                  store.spill_path(db_path))
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
            if on_stored is not None:
                on_stored(con, report)
            store.refresh_derived_tables(con, kind)
    except db.WriterBusy as exc:
        raise IngestBusy(f"{name}: {exc}") from None
    finally:
        shutil.rmtree(store.spill_path(db_path), ignore_errors=True)
    report.duration_s = time.monotonic() - started  # now including the atomic swap
    if long:
        report.messages.append(f"{name}: {long:,} case(s) resolved more than a year after they "
                               "were created: kept, but check them")
    if read == 0:
        report.messages.append(f"{name}: the file has a header but no data rows")
    if not report.is_reconciled:  # a bug, never bad input: say so loudly
        raise AssertionError(f"counts do not add up: {report.counts()}")
    progress(1.0, f"{name}: done")
    return report
