"""Every setting Escalation Radar reads, with its default and help text, in one list.

A test checks that README.md documents each one. Read a value with `get("NAME")`: the
environment variable of the same name wins over the default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ESCALATION_RADAR_DB", str(ROOT / "data" / "escalation_radar.duckdb"),
            "Path of the DuckDB file of your data: the app, the CLI and the jobs share it."),
    Setting("ESCALATION_RADAR_DEMO_DB", str(ROOT / "data" / "demo.duckdb"),
            "Path of the demo dataset's DuckDB file, kept apart from your data."),
    Setting("ESCALATION_RADAR_DEMO_CASES", "300000",
            "How many cases the demo generates when it is first opened."),
    Setting("ESCALATION_RADAR_LOCK_TIMEOUT_S", "600",
            "How long a writer (ingest, demo) waits for another writer before giving up."),
    Setting("ESCALATION_RADAR_INGEST_MEMORY_MB", "2048",
            "DuckDB memory cap of one ingest; beyond it the ingest spills to disk (slower)."),
    Setting("ESCALATION_RADAR_INGEST_CHUNK_MB", "256",
            "A plain CSV export larger than this is loaded piece by piece, each piece about this "
            "size (memory and temporary disk stay bounded at any file size)."),
    Setting("ESCALATION_RADAR_INGEST_MAX_COLUMNS", "2000",
            "Most columns an export may have; a wider file is refused before it is read."),
    Setting("ESCALATION_RADAR_INGEST_MAX_ROWS", "100000000",
            "Most rows one export may have; a longer file is refused (split it)."),
    Setting("ESCALATION_RADAR_INGEST_MAX_CELL_MB", "4",
            "Largest value (cell), CSV record or JSON line an export may hold."),
    Setting("ESCALATION_RADAR_INGEST_MAX_DECODED_GB", "64",
            "Most bytes a zip, gzip, .xlsx or Parquet export may decode to."),
    Setting("ESCALATION_RADAR_INGEST_MAX_RATIO", "200",
            "Beyond its first 64 MB, most decoded bytes per byte of a compressed export."),
    Setting("ESCALATION_RADAR_MAX_UPLOAD_MB", "200",
            "Largest file the Data page accepts for upload."),
    Setting("ESCALATION_RADAR_BASE_URL", "http://localhost:8501",
            "The app's address as people reach it; alert digests link to views under it."),
    Setting("ESCALATION_RADAR_MIN_CELL", "10",
            "Snapshots publish counts below this as '<N', with complementary suppression."),
    Setting("ESCALATION_RADAR_SPIKE_SENSITIVITY", "standard",
            "Spike sensitivity: low (only high and critical surprises), standard, or high "
            "(down to low-severity surprises); see docs/spikes.md."),
    Setting("ESCALATION_RADAR_ACCESS_FILE", str(ROOT / "data" / "access.toml"),
            "Sign-in and roles (specialist, manager, partner); sign-in is off by default."),
    Setting("ESCALATION_RADAR_CACHE_DIR", str(ROOT / "data" / "cache"),
            "Folder of files the app may rebuild at any time (the empty-database template); "
            "nothing is written outside the data folder unless this says so."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The value of setting `name`: its environment variable if set, else its default."""
    return os.environ.get(name) or _BY_NAME[name].default


def db_path() -> Path:
    """The database of your data (ESCALATION_RADAR_DB)."""
    return Path(get("ESCALATION_RADAR_DB"))


def demo_db_path() -> Path:
    """The demo dataset's database (ESCALATION_RADAR_DEMO_DB), never your data's."""
    return Path(get("ESCALATION_RADAR_DEMO_DB"))


def db_is_chosen() -> bool:
    """Whether ESCALATION_RADAR_DB is set: someone pointed the app at a database of their own
    (which then starts empty), rather than the README's plain run command (which opens the demo
    while the default database has no data)."""
    return bool(os.environ.get("ESCALATION_RADAR_DB"))
