"""A case export of any size whose right counts are known, written in chunks (bench/big_file.py
writes 2 GB with it; the crash and concurrency tests a few MB).

Row i (0-based): case C{i}, except that every 20th row repeats the previous row's case with a
later updated_at (so it supersedes it); every 50th row has an unparseable created_at.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

WORDS = np.array("спам мошенничество алаяқтық fraud scam phishing account card refund delivery "
                 "Алматы Астана payment blocked appeal urgent".split())


def expected_counts(rows: int) -> dict[str, int]:
    """read, rejected and stored-case counts of a fresh ingest of `rows` rows."""
    i = np.arange(rows)
    bad = i % 50 == 49
    repeat = (i % 20 == 19) & ~bad & ~np.isin(i - 1, i[bad])
    return {"read": rows, "rejected": int(bad.sum()), "superseded": int(repeat.sum()),
            "inserted": int(rows - bad.sum() - repeat.sum())}


def _chunk(start: int, stop: int, rng: np.random.Generator, summary_words: int) -> pd.DataFrame:
    i = np.arange(start, stop)
    case_number = np.where(i % 20 == 19, i - 1, i)
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(case_number * 7 % 31_536_000, unit="s")
    updated = created + pd.to_timedelta(np.where(i % 20 == 19, 7200, 3600), unit="s")
    words = WORDS[rng.integers(0, len(WORDS), (len(i), summary_words))]
    return pd.DataFrame({
        "case_id": np.char.add("C", case_number.astype(str)),
        "created_at": np.where(i % 50 == 49, "not a date", created.strftime("%Y-%m-%d %H:%M:%S")),
        "updated_at": updated.strftime("%Y-%m-%d %H:%M:%S"),
        "status": np.array(["open", "pending", "resolved", "closed"])[i % 4],
        "market": np.array(["KZ", "GB", "US-NY", "DE"])[i % 4 - (i // 4) % 2],
        "priority": np.array(["P0", "P1", "P2", "P3"])[(i // 3) % 4],
        "abuse_category": np.array(["spam", "fraud", "hate", "csam"])[(i // 5) % 4],
        "summary": [" ".join(row) for row in words]})


def write_cases_csv(path: Path, rows: int, *, seed: int = 0, summary_words: int = 12,
                    chunk_rows: int = 250_000) -> Path:
    """Write `rows` case rows to `path` (CSV, UTF-8), chunk by chunk; returns the path."""
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, rows, chunk_rows):
            frame = _chunk(start, min(start + chunk_rows, rows), rng, summary_words)
            frame.to_csv(fh, index=False, header=start == 0)
    return Path(path)
