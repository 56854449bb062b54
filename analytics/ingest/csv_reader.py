"""Streaming CSV: encoding and delimiter detection, then pyarrow's parser in large blocks.

Encodings are transcoded in Python (backpressure.Utf8Feed) because DuckDB's encodings
extension cannot be downloaded here. Detection: a UTF-16 BOM means UTF-16 (Excel's "Unicode
text"), a UTF-8 BOM or valid UTF-8 means UTF-8, anything else is read as cp1251 (Russian and
Kazakh Windows exports; mostly valid UTF-8 with a few bad bytes is damaged UTF-8); a mapping's
`encoding` overrides it. Decoding is lenient (backpressure.Utf8Feed): a stray invalid byte
becomes U+FFFD and validation quarantines that row, instead of the whole file failing at row
500,000 or being misread as cp1251.

Row numbers are exact (docs/data-contract.md): pyarrow's parser skips a malformed record without
saying where it was, so at the first batch with one the rest of the file, from the first row of
that batch, is read with Python's csv module (`exact_batches`), which numbers every record and
names the column where a short record ends. Only files with malformed records pay for it.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics import settings
from analytics.ingest.backpressure import Utf8Feed

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 8 << 20   # about 25-50k rows per batch: bounds the memory of a batch
DELIMITERS = (",", ";", "\t", "|")
FALLBACK_ENCODING = "cp1251"
EXACT_BATCH_ROWS = 20_000
# Control bytes but tab and line ends: ~12% of a binary file (zip, PNG, PDF), a few escape
# sequences in a text one.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CONTROL_SHARE = 0.05
# (a field of any length reads: analytics/startup.configure() lifts csv.field_size_limit at start-up)


class CsvFormatError(ValueError):
    """The file cannot be read as CSV at all (empty, binary, no header)."""


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
    # A stray NUL in a value quarantines its row (validate._invalid_bytes); one in the header, or
    # control bytes making up more of the sample than text ever has, mean a binary file.
    controls = len(_CONTROL.findall(text))
    if "\x00" in text.partition("\n")[0] or controls > MAX_CONTROL_SHARE * len(text):
        raise CsvFormatError("this is not a text (CSV) file; binary content found (control bytes "
                             "such as NUL)")
    delimiter = delimiter or detect_delimiter(text)
    header = header_of(text, delimiter)
    if not any(h.strip() for h in header):
        raise CsvFormatError("the first line (the header) is empty")
    return encoding, delimiter, header


def _arrow_batches(stream, names: list[str], encoding: str, delimiter: str,
                   skipped: list) -> Iterator[pd.DataFrame]:
    """pyarrow's batches of strings; each malformed record it skips is appended to `skipped`."""
    def on_invalid(row) -> str:
        skipped.append(row)
        return "skip"

    feed = Utf8Feed(stream, encoding, ahead_bytes=3 * BLOCK_BYTES)
    reader = pacsv.open_csv(
        io.BufferedReader(feed, 1 << 20),
        read_options=pacsv.ReadOptions(encoding="utf8", block_size=BLOCK_BYTES,
                                       column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in names},
                                             strings_can_be_null=False))
    for batch in reader:
        frame = batch.to_pandas()
        frame.columns = names
        yield frame
        feed.release(BLOCK_BYTES)


def read_batches(open_stream: Callable, header: list[str], encoding: str, delimiter: str,
                 bad_rows: list[dict]) -> Iterator[pd.DataFrame]:
    """DataFrames of strings, indexed by 1-based data row number; malformed rows go to bad_rows.

    pyarrow reads until its first malformed record (the batches before it are numbered exactly:
    nothing was skipped), then `exact_batches` reads on from that batch's first row."""
    names = unique_names(header)
    row, skipped = 0, []
    with open_stream() as stream:
        batches = _arrow_batches(stream, names, encoding, delimiter, skipped)
        try:
            for frame in batches:
                if skipped:
                    break
                frame.index = pd.RangeIndex(row + 1, row + 1 + len(frame))
                row += len(frame)
                yield frame
            if not skipped:   # (a last malformed record may come with no batch after it)
                return
        except pa.ArrowInvalid:   # e.g. a quote never closed: Python's reader says where
            pass
        finally:
            batches.close()
    with open_stream() as stream:
        yield from exact_batches(stream, names, encoding, delimiter, bad_rows, skip=row)


def _malformed(row: int, record: list[str], names: list[str], delimiter: str) -> dict:
    """A bad_rows entry: the record's text and the column where it goes wrong."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="").writerow(record)
    short = len(record) < len(names)
    column = names[len(record)] if short else names[-1]
    where = "" if short else f" ({len(record) - len(names)} more after it)"
    return {"row": row, "column": column, "text": text.getvalue(),
            "rule": "malformed CSV record (wrong number of fields)",
            "reason": f"malformed CSV record, expected {len(names)} fields, found {len(record)}{where}"}


def exact_batches(stream, names: list[str], encoding: str, delimiter: str, bad_rows: list[dict],
                  *, skip: int = 0) -> Iterator[pd.DataFrame]:
    """Data rows after the first `skip`, read with Python's csv module (slower, numbered exactly);
    a record with the wrong number of fields goes to bad_rows with its row number and column.
    Blank lines are not rows, as for pyarrow."""
    codec = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    text = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")
    most = int(float(settings.get("ESCALATION_RADAR_INGEST_MAX_CELL_MB")) * (1 << 20))
    since = [0]   # characters of the record being read

    def lines() -> Iterator[str]:
        """The text's lines; a record growing past the cap is refused before it is whole (a
        quote never closed, or one huge field, had been read whole into memory)."""
        while line := text.readline(most + 1):
            since[0] += len(line)
            if since[0] > most:
                raise CsvFormatError(f"refused: row {row + 1} is a record longer than "
                                     f"{most / 2**20:g} MB (a quote never closed, or a value over "
                                     "ESCALATION_RADAR_INGEST_MAX_CELL_MB)")
            yield line
    records = csv.reader(lines(), delimiter=delimiter)
    good, rows, row = [], [], 0
    next(records, None)   # the header
    since[0] = 0
    for record in records:
        since[0] = 0
        if not record:
            continue
        row += 1
        if row <= skip:
            continue
        if len(record) != len(names):
            bad_rows.append(_malformed(row, record, names, delimiter))
            continue
        good.append(record)
        rows.append(row)
        if len(good) >= EXACT_BATCH_ROWS:
            yield pd.DataFrame(good, columns=names, index=rows, dtype="str")
            good, rows = [], []
    if good:
        yield pd.DataFrame(good, columns=names, index=rows, dtype="str")


def open_csv_stream(open_stream: Callable, *, encoding: str | None, delimiter: str | None,
                    bad_rows: list[dict]) -> tuple[list[str], Iterator[pd.DataFrame], str, tuple[str, str]]:
    """(header, batches, description, (encoding, delimiter)) of a CSV; `open_stream()` returns a
    fresh binary stream."""
    with open_stream() as probe:
        sample = probe.read(SAMPLE_BYTES)
    encoding, delimiter, header = sniff(sample, encoding, delimiter)
    description = f"CSV, {encoding}, delimiter {delimiter!r}"

    batches = read_batches(open_stream, header, encoding, delimiter, bad_rows)
    return unique_names(header), batches, description, (encoding, delimiter)
