"""The scale benchmark's input files: the demo generator, scaled, written as CSV and Parquet.

N cases and N/5 reviews come from `analytics.demo.load.generate` in chunks of at most 1M cases (one
seed per chunk; case_id / review_id get the chunk's number as a prefix, so ids stay unique and
reviews still point at their own chunk's cases), appended to one CSV and one Parquet file per
table by pyarrow writers (Parquet row groups of 122,880 rows). A 1M-row update export re-states
existing cases with a newer updated_at, closing open ones and moving every fifth to another
category. Files are cached: a file whose row count is right is not written again.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

CHUNK_CASES = 1_000_000
UPDATE_ROWS = 1_000_000
ROW_GROUP = 122_880
TABLES = ("cases", "reviews", "updates")
END = pd.Timestamp("2026-11-20 00:00")   # fixed, so cached files and runs are comparable


@dataclass(frozen=True)
class ScaleFiles:
    n_cases: int
    folder: Path

    def path(self, table: str, fmt: str) -> Path:
        return self.folder / f"{table}_{self.n_cases}.{fmt}"

    @property
    def manifest(self) -> Path:
        return self.folder / f"manifest_{self.n_cases}.json"

    def rows(self, table: str) -> int:
        """Rows written to the table's files (the generator gives about, not exactly, N cases)."""
        return json.loads(self.manifest.read_text())[table]


def parse_size(text: str) -> int:
    """'1m' -> 1_000_000, '500k' -> 500_000, '2000' -> 2000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def _chunk(index: int, n_cases: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analytics.demo import load as demo
    data = demo.generate(n_cases, seed=1000 + index, end=END)
    prefix = f"{index:02d}-"
    cases = data.cases.assign(case_id="C" + prefix + data.cases["case_id"].str.removeprefix("C-"))
    reviews = data.reviews.sample(n=n_cases // 5, random_state=index).sort_index()
    reviews = reviews.assign(review_id="RV" + prefix + reviews["review_id"].str.removeprefix("RV-"),
                             case_id="C" + prefix + reviews["case_id"].str.removeprefix("C-"))
    return cases, reviews


def updates_of(cases: pd.DataFrame) -> pd.DataFrame:
    """The update export: the same cases re-stated a day later, open ones resolved, every fifth
    moved to the next category in the data's list."""
    out = cases.head(UPDATE_ROWS).reset_index(drop=True)
    newer = out["updated_at"] + pd.Timedelta(days=1)
    still_open = out["status"].isin(["open", "pending"]).to_numpy()
    categories = np.array(sorted(out["abuse_category"].dropna().unique()))
    index = np.searchsorted(categories, out["abuse_category"].fillna(categories[0]).to_numpy())
    moved = (np.arange(len(out)) % 5) == 0
    return out.assign(
        updated_at=newer,
        status=np.where(still_open, "resolved", out["status"].to_numpy()),
        resolved_at=out["resolved_at"].where(~still_open, newer),
        abuse_category=np.where(moved, categories[(index + 1) % len(categories)],
                                out["abuse_category"].to_numpy()))


def _complete(files: ScaleFiles) -> bool:
    """Whether every file is there as the manifest recorded it (Parquet: row count; both: size)."""
    if not files.manifest.exists():
        return False
    sizes = json.loads(files.manifest.read_text())["bytes"]
    for table in TABLES:
        for fmt in ("csv", "parquet"):
            path = files.path(table, fmt)
            if not path.exists() or path.stat().st_size != sizes.get(path.name):
                return False
        if pq.ParquetFile(files.path(table, "parquet")).metadata.num_rows != files.rows(table):
            return False
    return True


class _Sink:
    """One CSV and one Parquet writer for a table; the first chunk fixes the schema."""

    def __init__(self, csv_path: Path, parquet_path: Path):
        self.paths, self.schema, self.csv, self.parquet = (csv_path, parquet_path), None, None, None

    def write(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self.schema is None:
            self.schema = table.schema.remove_metadata()
            self.csv = pacsv.CSVWriter(str(self.paths[0]) + ".part", self.schema)
            self.parquet = pq.ParquetWriter(str(self.paths[1]) + ".part", self.schema)
        table = table.cast(self.schema)
        self.csv.write_table(table)
        self.parquet.write_table(table, row_group_size=ROW_GROUP)

    def close(self) -> None:
        self.csv.close()
        self.parquet.close()
        for path in self.paths:
            Path(str(path) + ".part").replace(path)


def ensure_files(files: ScaleFiles, log=print) -> None:
    """Write the cases, reviews and updates files unless present with the right row counts."""
    files.folder.mkdir(parents=True, exist_ok=True)
    if _complete(files):
        log(f"input files for {files.n_cases:,} cases present in {files.folder}")
        return
    started = time.perf_counter()
    sinks = {t: _Sink(files.path(t, "csv"), files.path(t, "parquet")) for t in TABLES}
    done, counts = 0, dict.fromkeys(TABLES, 0)
    for index in range(-(-files.n_cases // CHUNK_CASES)):
        size = min(CHUNK_CASES, files.n_cases - done)
        cases, reviews = _chunk(index, size)
        parts = {"cases": cases, "reviews": reviews} | ({"updates": updates_of(cases)} if index == 0 else {})
        for table, frame in parts.items():
            sinks[table].write(frame)
            counts[table] += len(frame)
        done += size
        log(f"  generated chunk {index}: {done:,}/{files.n_cases:,} cases "
            f"({time.perf_counter() - started:.0f} s)")
    for sink in sinks.values():
        sink.close()
    counts["bytes"] = {files.path(t, f).name: files.path(t, f).stat().st_size
                       for t in TABLES for f in ("csv", "parquet")}
    files.manifest.write_text(json.dumps(counts))
    log(f"wrote {counts['cases']:,} cases, {counts['reviews']:,} reviews and "
        f"{counts['updates']:,} updates in {time.perf_counter() - started:.0f} s")
