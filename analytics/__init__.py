"""Escalation Radar's analytics package: the map of its public API.

Data flows one way through these modules:

- `analytics.ingest` — `ingest_file(path, kind=, mapping=, db_path=)` reads an export (CSV, Parquet,
  JSON Lines, xlsx; zipped or gzipped), maps it (`data/mappings/*.toml`), validates, quarantines and
  stores it; `suggest_mapping`, `list_mappings`, `IngestError`.
- `analytics.db` — the one-writer process model: `writer(path)` (atomic copy-write-swap),
  `reader(path)` (read-only), `query_df(con, "marts/<name>", **params)`, `data_version(path)`.
- `analytics.state` — app state beside the case data (`<db stem>.state.sqlite`: triage verdicts,
  alerts, snapshot records, the watcher's records of files): `writer(path)` (one SQLite
  transaction, several processes), `read(path, name)`, `version(path)` (what caches of app state
  key on).
- `analytics.dataset` — which dataset a database holds (the demo, or your own data):
  `is_demo(path)`, `mark(con)`, `refusal(path, action)`; ingest, alerts and the app never mix them.
- `analytics.contract` — canonical columns of `cases` and `reviews`.
- `analytics.calendars` — market zones and holidays (`data/calendars.toml`), `local_dates`.
- `analytics.reference` — reference tables (markets, holidays, SLA policies) synced by writers.
- `analytics.kpis` — the KPI registry `KPIS` and value formatting.
- `analytics.views` — pure pandas shaping of mart and detector results for the pages, by subject.
- `analytics.filtering` — whether a spike event lies inside the filters (`events_within`), once.
- `analytics.freshness` — the data's freshness row, last complete day and now (`as_of`), once.
- `analytics.demo.load` — the seeded demo: `generate(...)`, `load_demo(...)`.
- `analytics.settings` — every setting with its default and help text.
- `analytics.startup` — `configure()`: the process-wide settings (CSV field size, Plotly template,
  malloc arenas), made once by each entry point (app.py, `python -m analytics`, tests).

Command line: `python -m analytics {demo,ingest,calendars,...}` (see `analytics/__main__.py`).
"""
