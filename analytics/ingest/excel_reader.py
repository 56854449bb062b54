"""The first sheet of an .xlsx workbook as DataFrame batches, read with openpyxl (read-only).

Row numbers are sheet rows minus the header row, so "row 17" is sheet row 18; blank rows are
skipped (they are not data). Cells keep their types: dates arrive as datetimes.
"""
from __future__ import annotations

import itertools
from typing import Callable, Iterator

import openpyxl
import pandas as pd

from analytics import settings


def most_columns() -> int:
    return int(settings.get("ESCALATION_RADAR_INGEST_MAX_COLUMNS"))


def _header(first_row) -> list[str]:
    header = ["" if v is None else str(v).strip() for v in first_row]
    while header and not header[-1]:
        header.pop()
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise ValueError(f"duplicate column header(s) {duplicates}; rename them")
    if not any(header):
        raise ValueError("the first row (the header) is empty")
    return header


def open_excel(data, rows_per_batch: Callable[[int], int], check_rows: Callable[[int], None]
               ) -> tuple[list[str], Iterator[pd.DataFrame], Callable, list[str]]:
    """(header, batches, progress, sheet names) of the workbook's first sheet; batches of
    `rows_per_batch(width)` rows, `check_rows(rows so far)` raising past the row cap."""
    book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    total = max((sheet.max_row or 1) - 1, 1)
    # The declared dimension is not trusted: openpyxl pads every row to it (A1:XFD1048576 made
    # each row 16,384 values), and to the declared last row after the data ends.
    sheet.reset_dimensions()
    header = _header(next(sheet.iter_rows(max_row=1, max_col=most_columns() + 1,
                                          values_only=True), ()))
    width = len(header)
    rows = sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True)
    batch_rows = rows_per_batch(width)
    done = [0]

    def batches() -> Iterator[pd.DataFrame]:
        while True:
            block = list(itertools.islice(rows, batch_rows))
            if not block:
                book.close()
                return
            frame = pd.DataFrame([tuple(r[:width]) + (None,) * (width - len(r)) for r in block],
                                 columns=header, dtype=object)
            frame.index = pd.RangeIndex(done[0] + 1, done[0] + 1 + len(frame))
            done[0] += len(frame)
            check_rows(done[0])
            yield frame[frame.notna().any(axis=1)]
    return header, batches(), lambda: min(done[0] / total, 1.0), book.sheetnames
