"""The first sheet of an .xlsx workbook as DataFrame batches, read with openpyxl (read-only).

Row numbers are sheet rows minus the header row, so "row 17" is sheet row 18; blank rows are
skipped (they are not data). Cells keep their types: dates arrive as datetimes.
"""
from __future__ import annotations

import itertools
from typing import Callable, Iterator

import openpyxl
import pandas as pd


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


def open_excel(data, rows_per_batch: int) -> tuple[list[str], Iterator[pd.DataFrame], Callable,
                                                  list[str]]:
    """(header, batches, progress, sheet names) of the workbook's first sheet."""
    book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = _header(next(rows, ()))
    total = max((sheet.max_row or 1) - 1, 1)
    done = [0]

    def batches() -> Iterator[pd.DataFrame]:
        width = len(header)
        while True:
            block = list(itertools.islice(rows, rows_per_batch))
            if not block:
                book.close()
                return
            frame = pd.DataFrame([tuple(r[:width]) + (None,) * (width - len(r)) for r in block],
                                 columns=header, dtype=object)
            frame.index = pd.RangeIndex(done[0] + 1, done[0] + 1 + len(frame))
            done[0] += len(frame)
            yield frame[frame.notna().any(axis=1)]
    return header, batches(), lambda: min(done[0] / total, 1.0), book.sheetnames
