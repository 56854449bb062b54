"""Turn validation problems into `rejected_rows` records and into short messages for people.

A reason always names row and column, e.g. "row 17, column 'Created Date': cannot parse
'31/02/2025' as a timestamp (format %d/%m/%Y %H:%M)"; raw_record keeps the row as read (JSON).
"""
from __future__ import annotations

import pandas as pd

REJECTED_COLUMNS = ["row_number", "column_name", "value", "reason", "raw_record"]
TALLY_COLUMNS = ["column_name", "rule", "rows", "first_row", "first_value"]
MAX_MESSAGES = 8


def _raw_json(batch: pd.DataFrame, rows) -> pd.Series:
    """Each listed row of the batch as one JSON object, indexed by row number."""
    picked = batch.loc[rows]
    lines = picked.to_json(orient="records", lines=True, force_ascii=False, date_format="iso",
                           default_handler=str)
    lines = lines.replace("\\/", "/")  # pandas escapes every "/"; "\/" only ever means "/"
    return pd.Series(lines.rstrip("\n").split("\n"), index=picked.index)


def rejected_frame(batch: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """rejected_rows records for one batch's problems."""
    if problems.empty:
        return pd.DataFrame(columns=REJECTED_COLUMNS)
    rows = problems["row_number"].astype("int64")
    reason = ("row " + rows.astype(str) + ", column '" + problems["column_name"].astype(str)
              + "': " + problems["problem"].astype(str))
    raw = _raw_json(batch, rows.unique())
    return pd.DataFrame({"row_number": rows, "column_name": problems["column_name"],
                         "value": problems["value"], "reason": reason,
                         "raw_record": rows.map(raw)})


def malformed_frame(bad_rows: list[dict]) -> pd.DataFrame:
    """rejected_rows records for records the reader could not split into the header's fields
    (CSV) or read as an object (JSON Lines): each names its row and, where there is one, the
    column where it goes wrong; raw_record holds the record's text."""
    frame = pd.DataFrame(bad_rows, columns=["row", "column", "text", "reason"])
    row = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    column = frame["column"].astype("str")
    where = ("row " + row.astype("str") + (", column '" + column + "'").fillna("") + ": ").fillna("")
    return pd.DataFrame({
        "row_number": row,
        "column_name": column,
        "value": pd.Series(pd.NA, index=frame.index, dtype="str"),
        "reason": where + frame["reason"].astype("str"),
        "raw_record": frame["text"].astype("str")})


def tally(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems grouped by column and rule: rows, first row number and its value."""
    if problems.empty:
        return pd.DataFrame(columns=TALLY_COLUMNS)
    grouped = problems.groupby(["column_name", "rule"], sort=False)
    return grouped.agg(rows=("row_number", "size"), first_row=("row_number", "first"),
                       first_value=("value", "first")).reset_index()


def tally_malformed(bad_rows: list[dict]) -> pd.DataFrame:
    if not bad_rows:
        return pd.DataFrame(columns=TALLY_COLUMNS)
    frame = pd.DataFrame(bad_rows, columns=["row", "column", "rule"])
    grouped = frame.groupby("rule", sort=False)
    return grouped.agg(rows=("row", "size"), first_row=("row", "first")).reset_index().assign(
        column_name="", first_value=None)[TALLY_COLUMNS]


def messages(tallies: list[pd.DataFrame], rejected: int) -> list[str]:
    """A few lines saying why rows were rejected, largest group first."""
    if not rejected:
        return []
    frames = [t for t in tallies if not t.empty]
    counts = (pd.concat(frames).groupby(["column_name", "rule"], sort=False)
              .agg(rows=("rows", "sum"), first_row=("first_row", "first"),
                   first_value=("first_value", "first"))
              .reset_index().sort_values("rows", ascending=False, kind="stable"))
    lines = [f"{rejected:,} rows quarantined (see the rejected_rows table):"]
    for item in counts.head(MAX_MESSAGES).itertuples():
        where = f"column '{item.column_name}': " if item.column_name else ""
        example = "" if pd.isna(item.first_value) else f" '{item.first_value}'"
        first = "" if pd.isna(item.first_row) else f" (first: row {item.first_row}{example})"
        lines.append(f"  {item.rows:,} × {where}{item.rule}{first}")
    if len(counts) > MAX_MESSAGES:
        lines.append(f"  ... and {len(counts) - MAX_MESSAGES} more kinds of problem")
    return lines
