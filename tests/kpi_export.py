"""A case export for the KPI event tests: 60 days of 30 cases in KZ × scam × user_report from
`start`, each resolved `resolve(day, k)` after creation against an SLA due `due_hours` after it."""
from __future__ import annotations

import pandas as pd


def write_cases(path, resolve, *, due_hours: float, start: str = "2025-01-06",
                prefix: str = "C") -> str:
    rows = []
    for day in range(60):
        for k in range(30):
            created = pd.Timestamp(f"{start} 03:00") + pd.Timedelta(days=day, minutes=10 * k)
            rows.append({"case_id": f"{prefix}{day}-{k}", "created_at": created,
                         "resolved_at": created + resolve(day, k),
                         "sla_due_at": created + pd.Timedelta(hours=due_hours), "status": "closed",
                         "market": "KZ", "abuse_category": "scam", "source": "user_report"})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def plant(frame: pd.DataFrame, market: str, day: int, *, start: str = "2026-01-05",
          **changes) -> pd.DataFrame:
    """A spike_kpi_daily-shaped frame with `changes` set in `market`'s rows of day `day` (days
    counted from `start`, the KPI tests' first day)."""
    out = frame.copy()
    at = (out["market"] == market) & (out["bucket"] == pd.Timestamp(start) + pd.Timedelta(days=day))
    for column, value in changes.items():
        out.loc[at, column] = value
    return out
