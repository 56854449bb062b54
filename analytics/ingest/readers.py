"""Open an export as a stream of DataFrame batches: CSV, Parquet, JSON Lines or .xlsx, plain,
gzipped or zipped. Batches are indexed by 1-based data row number and keep source headers.

Every format problem becomes a `ReadError` with a plain message; the caller names the file.
Decoding is capped per file (bombs, issue 17 point 3; settings in analytics/settings.py):
- decoded bytes: at most ESCALATION_RADAR_INGEST_MAX_DECODED_GB out of a zip, a gzip, an .xlsx
  or Parquet's column data, and beyond the first RATIO_FREE_BYTES at most
  ESCALATION_RADAR_INGEST_MAX_RATIO bytes out per byte of the file (real exports compress 5-20x);
  an .xlsx is checked from its zip directory before it is opened, its shared-string table (held
  in memory whole) at most MAX_SHARED_STRINGS_BYTES;
- rows: ESCALATION_RADAR_INGEST_MAX_ROWS (Parquet from its footer, the rest while reading);
- a cell, a CSV record or a JSON line: at most ESCALATION_RADAR_INGEST_MAX_CELL_MB;
- batches: at most BATCH_CELLS values and about BATCH_BYTES decoded bytes each, whatever the
  width of the file or the size of its values (a Parquet dictionary is kept encoded until then).
"""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics import settings
from analytics.ingest import csv_reader

PARQUET_BATCH_ROWS = 250_000
ROWS_PER_BATCH = 100_000
RATIO_FREE_BYTES = 64 << 20
MAX_SHARED_STRINGS_BYTES = 256 << 20
BATCH_CELLS = 4_000_000   # values in one pandas batch (~32 MB of pointers, more as objects)
BATCH_BYTES = 64 << 20    # decoded bytes in one Parquet batch
SUFFIX_FORMAT = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl",
                 ".json": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx"}


class ReadError(ValueError):
    """The file cannot be read at all (empty, not the format it claims, corrupt archive)."""


@dataclass(frozen=True)
class NativeSource:
    """A plain (uncompressed) CSV file DuckDB can read itself (analytics/ingest/native.py)."""
    path: Path
    encoding: str      # as detected (or declared)
    delimiter: str


@dataclass
class Table:
    """An opened export: its headers and a one-pass iterator of batches."""
    headers: list[str]
    batches: Iterator[pd.DataFrame]
    description: str
    progress: Callable[[], float] = lambda: 0.0
    bad_rows: list[dict] = field(default_factory=list)   # malformed CSV lines, quarantined
    duplicated: tuple[str, ...] = ()   # headers that occur more than once (copies renamed)
    notes: tuple[str, ...] = ()        # things the reader wants the person to know
    native: NativeSource | None = None   # set for plain CSV files


def max_decoded_bytes() -> int:
    return int(float(settings.get("ESCALATION_RADAR_INGEST_MAX_DECODED_GB")) * (1 << 30))


def max_ratio() -> float:
    return float(settings.get("ESCALATION_RADAR_INGEST_MAX_RATIO"))


def max_rows() -> int:
    return int(settings.get("ESCALATION_RADAR_INGEST_MAX_ROWS"))


def max_cell_bytes() -> int:
    return int(float(settings.get("ESCALATION_RADAR_INGEST_MAX_CELL_MB")) * (1 << 20))


def check_expansion(out_bytes: int, in_bytes: int) -> None:
    """Refuse decompressed output beyond the caps (see the module docstring)."""
    most, ratio = max_decoded_bytes(), max_ratio()
    if out_bytes > most:
        raise ReadError(f"refused: decompresses to more than {most / (1 << 30):g} GB "
                        "(a zip bomb?; ESCALATION_RADAR_INGEST_MAX_DECODED_GB)")
    if out_bytes > RATIO_FREE_BYTES and out_bytes > ratio * max(in_bytes, 1):
        raise ReadError(f"refused: decompresses more than {ratio:g}:1 (a zip bomb?); "
                        "real exports compress far less (ESCALATION_RADAR_INGEST_MAX_RATIO)")


def check_rows(rows: int) -> None:
    most = max_rows()
    if rows > most:
        raise ReadError(f"refused: more than {most:,} rows (ESCALATION_RADAR_INGEST_MAX_ROWS); "
                        "split the export")


def rows_per_batch(width: int, rows: int = ROWS_PER_BATCH) -> int:
    """`rows`, fewer for a wide file: a batch holds at most BATCH_CELLS values."""
    return max(1, min(rows, BATCH_CELLS // max(width, 1)))


class CountingStream(io.RawIOBase):
    """A binary stream that counts the bytes read through it, for progress; with `compressed`
    (a counter of the bytes read underneath) it also enforces the decompression caps."""

    def __init__(self, inner, total: int, compressed: "CountingStream | None" = None):
        self.inner, self.total, self.count = inner, max(total, 1), 0
        self.compressed = compressed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        buffer[:len(data)] = data
        self.count += len(data)
        if self.compressed is not None:
            check_expansion(self.count, self.compressed.count)
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()

    def fraction(self) -> float:
        return min(self.count / self.total, 1.0)


def _zip_member(path: Path) -> zipfile.ZipInfo:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()
                       and not Path(m.filename).name.startswith(".") and "__MACOSX" not in m.filename]
    except zipfile.BadZipFile as exc:
        raise ReadError(f"not a readable zip archive ({exc})") from None
    if not members:
        raise ReadError("the zip archive is empty")
    if len(members) != 1:
        names = ", ".join(m.filename for m in members)
        raise ReadError(f"a zip must hold exactly one export; this one holds {names}")
    # The declared size bounds what zipfile will ever return, so checking it here is enough.
    check_expansion(members[0].file_size, members[0].compress_size)
    return members[0]


def _opener(path: Path) -> tuple[Callable, str, list[CountingStream]]:
    """(open a fresh decompressed binary stream, inner file name, counters for progress)."""
    counters: list[CountingStream] = []
    with open(path, "rb") as fh:
        head = fh.read(4)
    if path.suffix.lower() == ".zip" or (head.startswith(b"PK") and SUFFIX_FORMAT.get(
            path.suffix.lower()) != "xlsx"):
        member = _zip_member(path)

        @contextlib.contextmanager
        def open_zip():
            with zipfile.ZipFile(path) as archive, archive.open(member) as inner:
                counters.append(CountingStream(inner, member.file_size))
                yield io.BufferedReader(counters[-1], 1 << 20)
        return open_zip, member.filename, counters
    if path.suffix.lower() == ".gz" or head.startswith(b"\x1f\x8b"):
        @contextlib.contextmanager
        def open_gzip():
            raw = CountingStream(open(path, "rb"), path.stat().st_size)
            counters.append(raw)
            with gzip.GzipFile(fileobj=io.BufferedReader(raw, 1 << 20)) as inflated:
                yield io.BufferedReader(CountingStream(inflated, 1, compressed=raw), 1 << 20)
        return open_gzip, path.name.removesuffix(".gz").removesuffix(".GZ"), counters

    def open_plain():
        counters.append(CountingStream(open(path, "rb"), path.stat().st_size))
        return io.BufferedReader(counters[-1], 1 << 20)
    return open_plain, path.name, counters


def open_table(path: str | Path, *, encoding: str | None = None,
               delimiter: str | None = None) -> Table:
    """Open `path` (format from its inner file name, content sniffed where that is cheap)."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("no such file")
    if path.stat().st_size == 0:
        raise ReadError("the file is empty")
    open_stream, inner_name, counters = _opener(path)
    plain = open_stream.__name__ == "open_plain"
    fmt = SUFFIX_FORMAT.get(Path(inner_name).suffix.lower(), "csv")
    with open_stream() as probe:
        magic = probe.read(4)
    if magic == b"PAR1":
        fmt = "parquet"
    progress = lambda: counters[-1].fraction() if counters else 0.0  # noqa: E731
    if fmt == "parquet":
        return _parquet_table(path if inner_name == path.name else open_stream,
                              path.stat().st_size)
    if fmt == "xlsx":
        return _excel_table(open_stream)
    if fmt == "jsonl":
        return _jsonl_table(open_stream, progress)
    bad_rows: list[dict] = []
    try:
        headers, batches, description, (encoding, delimiter) = csv_reader.open_csv_stream(
            open_stream, encoding=encoding, delimiter=delimiter, bad_rows=bad_rows)
    except (csv_reader.CsvFormatError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ReadError(str(exc)) from None
    return Table(headers, batches, description, progress, bad_rows,
                 duplicated=tuple(h for h in headers if h.endswith(" (2)")
                                  and h.removesuffix(" (2)") in headers),
                 native=NativeSource(path, encoding, delimiter) if plain else None)


def _is_text(kind: pa.DataType) -> bool:
    return (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)
            or pa.types.is_large_binary(kind) or pa.types.is_string_view(kind)
            or pa.types.is_binary_view(kind))


def _parquet_table(source, file_bytes: int) -> Table:
    """`source` is a plain path (read in place) or a stream opener (zip/gzip: read into memory,
    because Parquet needs seeking). Text columns are read as dictionaries where the file has them
    so (a dictionary bomb stays small) and decoded piece by piece (`_pieces`)."""
    if callable(source):
        with source() as stream:
            source = io.BytesIO(stream.read())
    try:
        schema = pq.ParquetFile(source).schema_arrow
        parquet = pq.ParquetFile(source, read_dictionary=[
            f.name for f in schema if _is_text(f.type)])
    except Exception as exc:  # pyarrow raises several types for a corrupt footer
        raise ReadError(f"not a readable Parquet file ({exc})") from None
    check_rows(parquet.metadata.num_rows)
    total = max(parquet.metadata.num_rows, 1)
    done = [0]

    def batches() -> Iterator[pd.DataFrame]:
        decoded = 0
        for batch in parquet.iter_batches(batch_size=_parquet_batch_rows(parquet)):
            for piece, size in _pieces(batch):
                decoded += size
                check_expansion(decoded, file_bytes)
                frame = _as_frame(piece)
                frame.index = pd.RangeIndex(done[0] + 1, done[0] + 1 + len(frame))
                done[0] += len(frame)
                yield frame
    return Table(list(parquet.schema_arrow.names), batches(), "Parquet",
                 lambda: done[0] / total)


def _parquet_batch_rows(parquet: pq.ParquetFile) -> int:
    """Rows per Arrow batch such that the plainly encoded columns (decoded by pyarrow as it
    reads) stay near BATCH_BYTES: their page bytes per row are their decoded size."""
    meta, per_row = parquet.metadata, 1.0
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        size = sum(row_group.column(c).total_uncompressed_size for c in range(row_group.num_columns))
        per_row = max(per_row, size / max(row_group.num_rows, 1))
    return rows_per_batch(meta.num_columns, max(1, min(PARQUET_BATCH_ROWS, int(BATCH_BYTES / per_row))))


def _pieces(batch: pa.RecordBatch) -> Iterator[tuple[pa.RecordBatch, int]]:
    """The batch in slices of about BATCH_BYTES decoded (at least one row each), with their
    decoded sizes; dictionaries decoded. A row's size: its text bytes, 8 per value otherwise."""
    import numpy as np
    import pyarrow.compute as pc
    sizes = np.full(batch.num_rows, 8 * batch.num_columns, dtype=np.int64)
    for column in batch.columns:
        kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
        if not _is_text(kind) or pa.types.is_string_view(kind) or pa.types.is_binary_view(kind):
            continue
        if pa.types.is_dictionary(column.type):
            lengths = pc.binary_length(column.dictionary).take(column.indices)
        else:
            lengths = pc.binary_length(column)
        sizes += lengths.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    ends = np.cumsum(sizes)
    start, most_rows = 0, rows_per_batch(batch.num_columns)
    while start < batch.num_rows:
        before = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, before + BATCH_BYTES, side="right"))
        stop = min(max(stop, start + 1), start + most_rows, batch.num_rows)
        piece = batch.slice(start, stop - start)
        yield (pa.RecordBatch.from_arrays(
            [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in piece.columns],
            names=piece.schema.names), int(ends[stop - 1] - before))
        start = stop


def _as_frame(batch: pa.RecordBatch) -> pd.DataFrame:
    """The batch in pandas, binary columns decoded as UTF-8 leniently: a byte that is not UTF-8
    becomes U+FFFD and validation quarantines that row (a 0xFF failed the whole file)."""
    frame = batch.to_pandas()
    for position, column in enumerate(batch.schema):
        kind = column.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or \
                pa.types.is_fixed_size_binary(kind) or pa.types.is_binary_view(kind):
            frame.isetitem(position, frame.iloc[:, position].map(
                lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v,
                na_action="ignore").astype(object))
    return frame


def _jsonl_table(open_stream: Callable, progress: Callable[[], float]) -> Table:
    """JSON Lines, read line by line: a line that is not a JSON object is quarantined with its
    row number (the ordinal of non-blank lines, as for CSV) instead of failing the file."""
    with open_stream() as probe:
        first = next((line for _, line in _lines(probe) if line.strip()), b"")
    if not first:
        raise ReadError("the file is empty")
    try:
        header = json.loads(first.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise ReadError(f"not JSON Lines: row 1 is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ReadError(f"not JSON Lines: row 1 is a JSON {_json_type(header)}, not an object")
    headers = [str(k) for k in header]
    bad_rows: list[dict] = []

    def batches() -> Iterator[pd.DataFrame]:
        with open_stream() as stream:
            yield from _jsonl_batches(stream, headers, bad_rows)
    return Table(headers, batches(), "JSON Lines", progress, bad_rows)


def _json_type(value) -> str:
    return {list: "array", str: "string", bool: "true/false", type(None): "null"}.get(
        type(value), "number")


def _lines(stream) -> Iterator[tuple[int, bytes]]:
    """(non-blank line number, line) of a binary stream; a line longer than the cell cap is
    refused as it is read, never held whole."""
    most, row = max_cell_bytes(), 0
    while line := stream.readline(most + 1):
        if line.strip():
            row += 1
        if len(line) > most and not line.endswith(b"\n"):
            raise ReadError(f"refused: row {row} is a line longer than {most / 2**20:g} MB "
                            "(ESCALATION_RADAR_INGEST_MAX_CELL_MB)")
        yield row, line


def _jsonl_batches(stream, headers: list[str], bad_rows: list[dict]) -> Iterator[pd.DataFrame]:
    """Batches of at most ROWS_PER_BATCH records and about csv_reader.BLOCK_BYTES of text."""
    records, rows, row, size = [], [], 0, 0
    for _, line in _lines(stream):
        text = line.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
        if not text:
            continue
        row += 1
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:   # RecursionError: nested thousands deep
            where = f"{exc.msg} at character {exc.pos + 1}" if isinstance(
                exc, json.JSONDecodeError) else "nested too deeply"
            bad_rows.append({"row": row, "column": None, "text": text, "rule": "not valid JSON",
                             "reason": f"not valid JSON ({where})"})
            continue
        if not isinstance(value, dict):
            bad_rows.append({"row": row, "column": None, "text": text,
                             "rule": "not a JSON object",
                             "reason": f"a JSON {_json_type(value)}, not an object"})
            continue
        records.append(value)
        rows.append(row)
        size += len(line)
        if len(records) >= rows_per_batch(len(value)) or size >= csv_reader.BLOCK_BYTES:
            yield _records_frame(records, rows, headers)
            records, rows, size = [], [], 0
    if records:
        yield _records_frame(records, rows, headers)


def _records_frame(records: list[dict], rows: list[int], headers: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, index=rows)
    frame.columns = [str(c) for c in frame.columns]
    most = int(settings.get("ESCALATION_RADAR_INGEST_MAX_COLUMNS"))
    if len(frame.columns) > most:
        raise ReadError(f"refused: rows {rows[0]}-{rows[-1]} hold {len(frame.columns):,} different "
                        f"keys, more than the {most:,} columns an export may have "
                        "(ESCALATION_RADAR_INGEST_MAX_COLUMNS)")
    return frame.reindex(columns=headers + [c for c in frame.columns if c not in headers])


def check_workbook(data: io.BytesIO) -> None:
    """Refuse a workbook whose parts decode beyond the caps, from its zip directory, before
    openpyxl inflates anything (a 1.9 MB .xlsx had reached 1.9 GB resident)."""
    try:
        with zipfile.ZipFile(data) as book:
            parts = book.infolist()
    except zipfile.BadZipFile:
        return   # not a zip at all: openpyxl says so below
    check_expansion(sum(p.file_size for p in parts), len(data.getbuffer()))
    strings = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if strings > MAX_SHARED_STRINGS_BYTES:
        raise ReadError(f"refused: the workbook's shared-string table decodes to "
                        f"{strings / 2**20:,.0f} MB, more than the {MAX_SHARED_STRINGS_BYTES >> 20} MB "
                        "read into memory; save the sheet as CSV")


def _excel_table(open_stream: Callable) -> Table:
    from analytics.ingest.excel_reader import open_excel
    with open_stream() as stream:
        data = io.BytesIO(stream.read())
    check_workbook(data)
    try:
        headers, batches, progress, sheets = open_excel(data, rows_per_batch, check_rows)
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise ReadError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    notes = () if len(sheets) == 1 else (
        f"the workbook has {len(sheets)} sheets; only the first, '{sheets[0]}', was read "
        f"(not read: {', '.join(repr(s) for s in sheets[1:])}; save each sheet as its own file)",)
    return Table(headers, batches, f"Excel .xlsx (sheet '{sheets[0]}')", progress, notes=notes)
