"""Streaming CSV: encoding and delimiter detection, then pyarrow's parser in large blocks.

Encodings are transcoded in Python (backpressure.Utf8Feed) because DuckDB's encodings
extension cannot be downloaded here. Detection: a UTF-16 BOM means UTF-16 (Excel's "Unicode
text"), a UTF-8 BOM or valid UTF-8 means UTF-8, anything else is read as cp1251 (Russian and
Kazakh Windows exports; mostly valid UTF-8 with a few bad bytes is damaged UTF-8); a mapping's
`encoding` overrides it. Decoding is lenient (backpressure.Utf8Feed): a stray invalid byte
becomes U+FFFD and validation quarantines that row, instead of the whole file failing at row
500,000 or being misread as cp1251.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import sys
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics.ingest.backpressure import Utf8Feed

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 8 << 20   # about 25-50k rows per batch: bounds the memory of a batch
DELIMITERS = (",", ";", "\t", "|")
FALLBACK_ENCODING = "cp1251"
csv.field_size_limit(sys.maxsize)  # a 1 MB summary is data, not an attack on the sniffer


def detect_encoding(sample: bytes) -> str:
    """Python codec name for the sample's encoding."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
    invalid = text.count("\ufffd")
    # Mostly valid multi-byte UTF-8 with a few bad bytes is damaged UTF-8, not cp1251.
    if invalid == 0 or sum(ord(c) > 127 for c in text) - invalid > invalid:
        return "utf-8"
    return FALLBACK_ENCODING


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    """Up to 50 records of the sample, quoted newlines respected, blank lines and a record the
    sample may have cut off dropped."""
    rows = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 51))
    if len(text) >= SAMPLE_BYTES // 2 and len(rows) > 1:
        rows = rows[:-1]
    return [row for row in rows if row]


def detect_delimiter(text: str) -> str:
    """The candidate that splits the header into fields that at least half the sampled records
    also have (one ragged or mixed-delimiter row does not decide), the most fields first."""
    scores = {}
    for delimiter in DELIMITERS:
        try:
            rows = _sample_rows(text, delimiter)
        except csv.Error:   # e.g. a NUL byte; sniff() reports binary content itself
            continue
        if rows and len(rows[0]) > 1:
            agree = sum(len(row) == len(rows[0]) for row in rows[1:])
            scores[delimiter] = (2 * agree >= len(rows) - 1, len(rows[0]))
    return max(scores, key=scores.get) if scores else ","


def header_of(text: str, delimiter: str) -> list[str]:
    """The header as pyarrow will name the columns (a BOM removed, spaces kept)."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [h.lstrip("\ufeff") for h in next(rows, [])]


def unique_names(header: list[str]) -> list[str]:
    """Headers made unique: the second `notes` becomes `notes (2)`, a blank one `column 3`.

    Whether a duplicated header may be read is decided later: only if nothing maps it."""
    names, seen = [], set()
    for position, name in enumerate(h.strip() for h in header):
        base = name or f"column {position + 1}"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base} ({n})"
        seen.add(candidate)
        names.append(candidate)
    return names


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

    names = unique_names(header)
    feed = Utf8Feed(stream, encoding, ahead_bytes=3 * BLOCK_BYTES)
    reader = pacsv.open_csv(
        io.BufferedReader(feed, 1 << 20),
        read_options=pacsv.ReadOptions(encoding="utf8", block_size=BLOCK_BYTES,
                                       column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in names},
                                             strings_can_be_null=False))
    row = 0
    skipped_before = 0
    for batch in reader:
        frame = batch.to_pandas()
        frame.columns = names
        # Rows pyarrow skipped still count: number the good rows after them (see docs).
        skipped_now = len(bad_rows) - skipped_before
        frame.index = pd.RangeIndex(row + 1, row + 1 + len(frame))
        row += len(frame) + skipped_now
        skipped_before = len(bad_rows)
        yield frame
        feed.release(BLOCK_BYTES)


def open_csv_stream(open_stream: Callable, *, encoding: str | None, delimiter: str | None,
                    bad_rows: list[dict]) -> tuple[list[str], Iterator[pd.DataFrame], str, tuple[str, str]]:
    """(header, batches, description, (encoding, delimiter)) of a CSV; `open_stream()` returns a
    fresh binary stream."""
    with open_stream() as probe:
        sample = probe.read(SAMPLE_BYTES)
    encoding, delimiter, header = sniff(sample, encoding, delimiter)
    description = f"CSV, {encoding}, delimiter {delimiter!r}"

    def batches() -> Iterator[pd.DataFrame]:
        with open_stream() as stream:
            yield from read_batches(stream, header, encoding, delimiter, bad_rows)

    return unique_names(header), batches(), description, (encoding, delimiter)
