"""An incremental ingest's tables against a from-scratch build: shared by the aggregate and
cube tests (tests/sql/)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics import db
from analytics.ingest import aggregates

TABLES = {"fact_case_activity": ["case_id", "activity"],
          "cube_cases_daily": None, "cube_cases_hourly": None}
HEADER = ["case_id", "created_at", "updated_at", "resolved_at", "status", "market",
          "abuse_category", "source", "language", "priority"]


@pytest.fixture
def always_incremental(monkeypatch):
    """Every ingest after the first takes the incremental path, however much it touches."""
    monkeypatch.setattr(aggregates, "REBUILD_SHARE", math.inf)


def snapshot(path) -> dict[str, pd.DataFrame]:
    with db.reader(path) as con:
        frames = {name: con.execute(f"select * from {name}").df() for name in TABLES}
    return {name: frame.sort_values(list(frame.columns)).reset_index(drop=True)
            for name, frame in frames.items()}


def rebuilt(path) -> dict[str, pd.DataFrame]:
    with db.writer(path):   # derived="rebuild": every sql/derived/ file from scratch
        pass
    return snapshot(path)


def write_export(folder, name: str, rows: list[dict]):
    path = folder / name
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    return path
