"""The Data page's shaping of the ingest history and the rejected-row download."""
from __future__ import annotations

import pandas as pd

COUNTS = ["rows_read", "rows_inserted", "rows_updated", "rows_unchanged", "rows_superseded",
          "rows_rejected"]
HISTORY = ["ingest_id", "started_at", "kind", "file_name", "mapping_name", "status", *COUNTS,
           "duration_s", "file_sha256"]


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The ingest history with its usual columns first (those present), then any others."""
    columns = [c for c in HISTORY if c in history] + [c for c in history if c not in HISTORY]
    return history[columns]


def ingest_ids(history: pd.DataFrame) -> list[int]:
    """The ingests to choose from, newest first as the history lists them."""
    return history["ingest_id"].tolist() if "ingest_id" in history else []


def rejected_file_name(ingest_id: int | None) -> str:
    """The rejected rows' download name.

    >>> rejected_file_name(None), rejected_file_name(7)
    ('rejected_rows.csv', 'rejected_rows_ingest_7.csv')
    """
    return "rejected_rows.csv" if ingest_id is None else f"rejected_rows_ingest_{ingest_id}.csv"
