"""Ingest: exports (CSV, Parquet, JSON Lines, .xlsx; plain, gzipped or zipped) -> validate, map,
quarantine -> DuckDB. The public API; docs/data-contract.md and docs/mappings.md explain it.

- `ingest_file(path, *, kind, mapping, db_path, progress, file_name) -> IngestReport`
- `suggest_mapping(path) -> dict`: recognised headers, alias suggestions, unknown columns
- `list_mappings() -> list[Path]`: the mapping files in data/mappings/
- `rejected_rows(ingest_id, db_path) -> DataFrame`: one ingest's quarantine, for a CSV download
- writing a mapping (the Data page's editor, docs/mappings.md): `suggest.read_sample`,
  `mapping_suggest.suggest` (column matches, zone, format, value maps), `mapping_draft`
  (`Draft`, `to_toml`, `check`, `save`), `suggest.preview` (the first rows as they will load),
  `suggest.value_counts`; `load_mapping`/`mapping.parse_mapping` read a mapping file or text
- `IngestError` (`IngestBusy`: another writer held the database too long), `IngestReport`
"""
from __future__ import annotations

from analytics.ingest.mapping import list_mappings, load_mapping
from analytics.ingest.pipeline import ingest_file
from analytics.ingest.report import IngestBusy, IngestError, IngestReport
from analytics.ingest.suggest import rejected_rows, suggest_mapping

__all__ = ["IngestBusy", "IngestError", "IngestReport", "ingest_file", "list_mappings", "load_mapping",
           "rejected_rows", "suggest_mapping"]
