"""Streaming CSV: encoding and delimiter detection, then pyarrow's parser in large blocks.

Encodings are transcoded in Python (pyarrow wraps the stream) because DuckDB's encodings
extension cannot be downloaded here. Detection: a UTF-16 BOM means UTF-16 (Excel's "Unicode
text"), a UTF-8 BOM or valid UTF-8 means UTF-8, anything else is read as cp1251 (Russian and
Kazakh Windows exports); a mapping's `encoding` overrides it.
"""
from __future__ import annotations

import codecs
import csv
import io
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 32 << 20   # about 100k rows per batch for typical exports
DELIMITERS = (",", ";", "\t", "|")
FALLBACK_ENCODING = "cp1251"


class CsvFormatError(ValueError):
    """The bytes are not a CSV file we can read (empty, binary, duplicate headers)."""


def detect_encoding(sample: bytes) -> str:
    """Python codec name for the sample's encoding."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return FALLBACK_ENCODING


def detect_delimiter(text: str) -> str:
    """The candidate that splits the first lines into the most, equally many, fields."""
    lines = text.splitlines()[:50]
    if len(text) >= SAMPLE_BYTES // 2 and len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if counts and counts[0] > best_fields and all(c == counts[0] for c in counts[1:2]):
            best, best_fields = delimiter, counts[0]
    return best


def header_of(text: str, delimiter: str) -> list[str]:
    """The header as pyarrow will name the columns (a BOM removed, spaces kept)."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.lstrip("\ufeff") for h in next(rows, [])]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise CsvFormatError(f"duplicate column header(s) {duplicates}; rename them")
    return header


def sniff(sample: bytes, encoding: str | None, delimiter: str | None) -> tuple[str, str, list[str]]:
    """(encoding, delimiter, header) of a CSV from its first bytes."""
    if not sample.strip():
        raise CsvFormatError("the file is empty")
    encoding = encoding or detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    if "\x00" in text:
        raise CsvFormatError("this is not a text (CSV) file; binary content found")
    delimiter = delimiter or detect_delimiter(text)
    header = header_of(text, delimiter)
    if not any(h.strip() for h in header):
        raise CsvFormatError("the first line (the header) is empty")
    return encoding, delimiter, header


def read_batches(stream, header: list[str], encoding: str, delimiter: str,
                 bad_rows: list[dict]) -> Iterator[pd.DataFrame]:
    """DataFrames of strings, indexed by 1-based data row number; malformed rows go to bad_rows."""
    def on_invalid(row) -> str:
        bad_rows.append({"line": row.number, "text": row.text,
                         "reason": f"expected {row.expected_columns} fields, found {row.actual_columns}"})
        return "skip"

    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    reader = pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(encoding=arrow_encoding, block_size=BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                             strings_can_be_null=False))
    row = 0
    skipped_before = 0
    for batch in reader:
        frame = batch.to_pandas()
        frame.columns = [h.strip() for h in header]
        # Rows pyarrow skipped still count: number the good rows after them (see docs).
        skipped_now = len(bad_rows) - skipped_before
        frame.index = pd.RangeIndex(row + 1, row + 1 + len(frame))
        row += len(frame) + skipped_now
        skipped_before = len(bad_rows)
        yield frame


def open_csv_stream(open_stream: Callable, *, encoding: str | None, delimiter: str | None,
                    bad_rows: list[dict]) -> tuple[list[str], Iterator[pd.DataFrame], str]:
    """(header, batches, description) of a CSV; `open_stream()` returns a fresh binary stream."""
    with open_stream() as probe:
        sample = probe.read(SAMPLE_BYTES)
    encoding, delimiter, header = sniff(sample, encoding, delimiter)
    description = f"CSV, {encoding}, delimiter {delimiter!r}"

    def batches() -> Iterator[pd.DataFrame]:
        with open_stream() as stream:
            yield from read_batches(stream, header, encoding, delimiter, bad_rows)

    return [h.strip() for h in header], batches(), description
