"""Ingest: exports (CSV, Parquet, JSON Lines, .xlsx; plain, gzipped or zipped) -> validate, map,
quarantine -> DuckDB. The public API; docs/data-contract.md and docs/mappings.md explain it.

- `ingest_file(path, *, kind, mapping, db_path, progress, file_name) -> IngestReport`
- `suggest_mapping(path) -> dict`: recognised headers, alias suggestions, unknown columns
- `list_mappings() -> list[Path]`: the mapping files in data/mappings/
- `rejected_rows(ingest_id, db_path) -> DataFrame`: one ingest's quarantine, for a CSV download
- `IngestError` (`IngestBusy`: another writer held the database too long), `IngestReport`
"""
from __future__ import annotations

from analytics.ingest.mapping import list_mappings, load_mapping
from analytics.ingest.pipeline import ingest_file
from analytics.ingest.report import IngestBusy, IngestError, IngestReport
from analytics.ingest.suggest import rejected_rows, suggest_mapping

__all__ = ["IngestBusy", "IngestError", "IngestReport", "ingest_file", "list_mappings", "load_mapping",
           "rejected_rows", "suggest_mapping"]
