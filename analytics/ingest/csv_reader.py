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

A quote never closed (issue 17): every reader, pyarrow's, Python's and DuckDB's, takes the rest
of the file (or everything up to the next quote) as one field. The exact reader keeps the
physical lines of each record; a record that spans several lines and still does not come out
right (the wrong number of fields, or not valid CSV read strictly: ended inside its quote at the
end of the file, text after a closing quote) is taken apart: its first line is quarantined with
its row number and the column where the quote opened, and the lines after it are read again as
rows of their own. pyarrow's pass hands its last batches to the exact reader when the file had
an odd number of quote characters and one of their values holds a line break (a swallowed end of
file has both; only the second, and a file of legitimate multi-line values would re-read the
whole file through Python's csv module); native.py hands a file with an odd number of quote
characters to this path. A record that grows past the cell cap while spanning
several lines refuses the file, naming the row where its quote opened.
"""
from __future__ import annotations

import codecs
import collections
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
                   skipped: list) -> Iterator[tuple[pd.DataFrame, bool]]:
    """pyarrow's batches of strings, each with whether it may end in a quote never closed (the
    whole file had been handed to pyarrow when it came, with an odd number of quote characters);
    each malformed record it skips is appended to `skipped`."""
    def on_invalid(row) -> str:
        skipped.append(row)
        return "skip"

    feed = Utf8Feed(stream, encoding, ahead_bytes=3 * BLOCK_BYTES)
    try:
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
            yield frame, feed.finished and feed.quotes % 2 == 1
            feed.release(BLOCK_BYTES)
    finally:
        # pyarrow's read-ahead thread outlives a failed open_csv or an abandoned reader and
        # calls back into Python: stop it before the stream closes (and before an exit).
        feed.abandon()


def read_batches(open_stream: Callable, header: list[str], encoding: str, delimiter: str,
                 bad_rows: list[dict]) -> Iterator[pd.DataFrame]:
    """DataFrames of strings, indexed by 1-based data row number; malformed rows go to bad_rows.

    pyarrow reads until its first malformed record (the batches before it are numbered exactly:
    nothing was skipped), or a last batch of a file with an odd number of quotes that has a line
    break in a value (a quote never closed may have swallowed the end of the file: see the module
    docstring), then `exact_batches` reads on from that batch's first row."""
    names = unique_names(header)
    row, skipped, exact = 0, [], False
    with open_stream() as stream:
        batches = _arrow_batches(stream, names, encoding, delimiter, skipped)
        try:
            for frame, unclosed in batches:
                exact = bool(skipped) or (unclosed and _holds_line_break(frame))
                if exact:
                    break
                frame.index = pd.RangeIndex(row + 1, row + 1 + len(frame))
                row += len(frame)
                yield frame
            if not (exact or skipped):   # (a last malformed record may come with no batch after it)
                return
        except pa.ArrowInvalid:   # e.g. a quote never closed: Python's reader says where
            pass
        finally:
            batches.close()
    with open_stream() as stream:
        yield from exact_batches(stream, names, encoding, delimiter, bad_rows, skip=row)


def _holds_line_break(frame: pd.DataFrame) -> bool:
    return any(frame[c].str.contains("[\r\n]", regex=True).any() for c in frame.columns)


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


class _Lines:
    """The text's physical lines for csv.reader: lines put back (`back`) are read first, and the
    lines of the record being read are kept (`taken`). Past the cell cap it stops giving lines
    (`over`): a quote never closed, or one huge field, is never read whole into memory."""

    def __init__(self, text, most: int):
        self.text, self.most = text, most
        self.back: collections.deque[str] = collections.deque()
        self.start()

    def start(self) -> None:
        self.taken: list[str] = []
        self.size, self.over, self.at_end = 0, False, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.over:
            raise StopIteration
        line = self.back.popleft() if self.back else self.text.readline(self.most + 1)
        if not line:
            self.at_end = True
            raise StopIteration
        self.taken.append(line)
        self.size += len(line)
        self.over = self.size > self.most
        return line


def _runs_on(lines: _Lines, record: list[str], names: list[str], delimiter: str) -> bool:
    """Whether a record read over several lines is a quote never closed: not valid CSV when
    read strictly (the end of the file inside its quote, text after a closing quote), or the
    wrong number of fields with a whole row among the lines it swallowed. A quoted value with
    line breaks in it is none of these, even in a row with a field too many or too few (that
    row is malformed, one row read)."""
    if len(lines.taken) < 2:
        return False
    if len(record) != len(names) and any(
            len(next(csv.reader([line], delimiter=delimiter), [])) == len(names)
            for line in lines.taken[1:]):
        return True
    try:
        list(csv.reader(lines.taken, delimiter=delimiter, strict=True))
    except csv.Error:
        return True
    return False


def _unclosed(row: int, lines: _Lines, record: list[str], names: list[str],
              delimiter: str) -> dict:
    """A bad_rows entry for the first line of a record whose quote never closed."""
    first = lines.taken[0]
    opened = len(next(csv.reader([first], delimiter=delimiter), [""]))
    column = names[min(opened, len(names)) - 1]
    ran = ("to the end of the file" if lines.at_end else
           f"and came out with {len(record)} fields instead of {len(names)}")
    return {"row": row, "column": column, "text": first.rstrip("\r\n"),
            "rule": "quote never closed",
            "reason": f"a quote opened in this field is not closed on its line: the record ran "
                      f"over {len(lines.taken)} lines {ran}; this line is quarantined and the "
                      "lines after it are read as rows"}


def exact_batches(stream, names: list[str], encoding: str, delimiter: str, bad_rows: list[dict],
                  *, skip: int = 0) -> Iterator[pd.DataFrame]:
    """Data rows after the first `skip`, read with Python's csv module (slower, numbered exactly);
    a record with the wrong number of fields goes to bad_rows with its row number and column,
    and so does the first line of a quote never closed (the lines after it are read again).
    Blank lines are not rows, as for pyarrow."""
    codec = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
    text = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="")
    most = int(float(settings.get("ESCALATION_RADAR_INGEST_MAX_CELL_MB")) * (1 << 20))
    lines = _Lines(text, most)
    records = csv.reader(lines, delimiter=delimiter)
    good, rows, row = [], [], 0
    next(records, None)   # the header
    while True:
        lines.start()
        record = next(records, None)
        if record is None and not lines.taken:
            break
        record = record or []
        if lines.over and len(lines.taken) > 1:
            raise CsvFormatError(f"refused: row {row + 1}: a quote opened there runs on over "
                                 f"{len(lines.taken):,} lines and more than {most / 2**20:g} MB "
                                 "(a quote never closed, or a value over "
                                 "ESCALATION_RADAR_INGEST_MAX_CELL_MB)")
        if lines.over:
            raise CsvFormatError(f"refused: row {row + 1} is a record longer than "
                                 f"{most / 2**20:g} MB (a quote never closed, or a value over "
                                 "ESCALATION_RADAR_INGEST_MAX_CELL_MB)")
        if not record:
            continue
        row += 1
        # (rows pyarrow has numbered already keep their numbers: no taking apart there)
        if row > skip and _runs_on(lines, record, names, delimiter):
            bad_rows.append(_unclosed(row, lines, record, names, delimiter))
            lines.back.extendleft(reversed(lines.taken[1:]))
            records = csv.reader(lines, delimiter=delimiter)
            continue
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
