"""Downloads a spreadsheet opens safely: CSV and Excel with formula-like text neutralised."""
from __future__ import annotations

import io

import pandas as pd

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# such text cells get a leading apostrophe, so Excel and LibreOffice show them as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell (and column name) that a spreadsheet would run as a
    formula prefixed with an apostrophe; numbers, dates and other text are left as they are.

    >>> neutralise_formulas(pd.DataFrame({"summary": ["=1+1", "ok", "@SUM(A1)"], "n": [-1, 2, 3]}))
         summary  n
    0      '=1+1 -1
    1         ok  2
    2  '@SUM(A1)  3
    """
    text = [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    out = frame.assign(**{str(c): frame[c].map(_as_text) for c in text}) if text else frame
    return out.rename(columns=_as_text)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Cyrillic and Kazakh text correctly;
    formula-like text is neutralised (see `neutralise_formulas`). Lines end in CRLF (RFC 4180),
    which also makes the writer quote a field holding a bare carriage return."""
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "cases") -> bytes:
    """An .xlsx workbook of `frame` (timestamps written without zone, as Excel requires);
    openpyxl would store text starting with "=" as a live formula, hence the neutralising."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()
