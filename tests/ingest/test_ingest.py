"""Ingest of the two real exports, checked against figures computed here independently with
pandas over the raw CSV (not copied from ingest's own output): on their cuts in
tests/fixtures/samples/ always, and on the full files in ../shared/samples when present
(tests/samples.py)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import settings
from analytics.ingest import ingest_file, list_mappings, rejected_rows, suggest_mapping
from samples import NYC, SERVICENOW, both

MAPPINGS = settings.ROOT / "data" / "mappings"


def _table(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).df()


@pytest.fixture(scope="module", params=both(SERVICENOW))
def servicenow_export(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def raw_servicenow(servicenow_export) -> pd.DataFrame:
    return pd.read_csv(servicenow_export, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def expected(raw_servicenow) -> dict:
    """Counts and latest states from the raw CSV and the mapping's value maps, in pandas."""
    raw = raw_servicenow
    values = tomllib.loads((MAPPINGS / "servicenow_incident_log.toml").read_text())["values"]
    status = raw["incident_state"].str.lower().map({k.lower(): v for k, v in values["status"].items()})
    ok = status.notna()
    for column in ("opened_at", "sys_updated_at"):
        ok &= pd.to_datetime(raw[column], format="%d/%m/%Y %H:%M", errors="coerce").notna()
    valid = raw[ok].assign(status=status[ok], updated=pd.to_datetime(
        raw.loc[ok, "sys_updated_at"], format="%d/%m/%Y %H:%M"))
    # ties on sys_updated_at: the later row in the file wins (a stable sort keeps file order)
    latest = valid.sort_values("updated", kind="stable").groupby("number").tail(1)
    return {"read": len(raw), "rejected": int((~ok).sum()), "incidents": valid["number"].nunique(),
            "superseded": len(valid) - valid["number"].nunique(),
            "latest_status": latest["status"].value_counts().to_dict(),
            "sla_missed": int((latest["made_sla"] == "false").sum())}


@pytest.fixture(scope="module")
def servicenow(servicenow_export, tmp_path_factory):
    """The sample loaded twice into one database, with the tables as they were after each load."""
    path = tmp_path_factory.mktemp("servicenow") / "sn.duckdb"
    mapping = MAPPINGS / "servicenow_incident_log.toml"
    first = ingest_file(servicenow_export, mapping=mapping, db_path=path)
    cases = _table(path, "select * from cases")
    before = [_fingerprint(path, table) for table in FINGERPRINTS]
    second = ingest_file(servicenow_export, mapping=mapping, db_path=path)
    after = [_fingerprint(path, table) for table in FINGERPRINTS]
    return {"path": path, "first": first, "second": second, "cases": cases,
            "before": before, "after": after}


FINGERPRINTS = ("cases", "case_events")


def _fingerprint(path: Path, table: str) -> tuple:
    """Row count and an order-free sum of row hashes: equal iff the contents are (near enough)."""
    sql = {"cases": "select count(*), sum(hash(t))::hugeint from cases t",
           "case_events": "select count(*), sum(hash(t))::hugeint from case_events t"}[table]
    with duckdb.connect(str(path), read_only=True) as con:
        return tuple(con.execute(sql).fetchall()[0])


def test_servicenow_counts_match_the_raw_export(servicenow, expected, servicenow_export):
    report = servicenow["first"]
    assert report.rows_read == expected["read"]
    assert report.rows_read == 141_712 or servicenow_export == SERVICENOW["cut"]
    assert report.rows_rejected > 0   # (the cut keeps the incidents with the unmapped state)
    assert report.rows_rejected == expected["rejected"]
    assert report.rows_inserted == expected["incidents"]
    assert report.rows_superseded == expected["superseded"]
    assert report.rows_updated == report.rows_unchanged == 0
    assert report.is_reconciled


def test_servicenow_keeps_the_latest_state_of_each_incident(servicenow, expected):
    cases = servicenow["cases"]
    assert cases["case_id"].is_unique
    assert cases["status"].value_counts().to_dict() == expected["latest_status"]
    assert int((~cases["is_sla_met"].astype(bool)).sum()) == expected["sla_missed"]
    # the mapping, not the export's own mostly-"?" vendor column, feeds vendor
    assert cases["vendor"].dropna().str.startswith("Group ").all()


def test_servicenow_quarantine_names_row_and_column(servicenow, raw_servicenow):
    report, raw = servicenow["first"], raw_servicenow
    rejected = rejected_rows(report.ingest_id, servicenow["path"])
    assert rejected["row_number"].nunique() == report.rows_rejected
    for row in rejected.itertuples():
        assert raw.loc[row.row_number - 1, "incident_state"] == row.value
        assert row.reason.startswith(f"row {row.row_number}, column 'incident_state': value '{row.value}'")


def test_loading_the_same_file_twice_changes_nothing(servicenow):
    second = servicenow["second"]
    assert second.rows_inserted == second.rows_updated == 0
    assert second.rows_unchanged == servicenow["first"].rows_inserted
    assert second.events_added == 0
    assert servicenow["before"] == servicenow["after"]
    assert servicenow["before"][1][0] == servicenow["first"].events_added
    ingests = _table(servicenow["path"], "select * from ingests order by ingest_id")
    assert ingests["file_sha256"].nunique() == 1
    assert (ingests["rows_read"] == ingests[["rows_inserted", "rows_updated", "rows_unchanged",
                                             "rows_superseded", "rows_rejected"]].sum(axis=1)).all()


@pytest.mark.parametrize("export", both(NYC))
def test_nyc311_loads_with_its_mapping_in_new_york_time(tmp_path, export):
    path = tmp_path / "nyc.duckdb"
    report = ingest_file(export, mapping=MAPPINGS / "nyc311.toml", db_path=path)
    raw = pd.read_csv(export, dtype=str, keep_default_na=False)
    assert (report.rows_read, report.rows_inserted, report.rows_rejected) == (len(raw), raw["Unique Key"].nunique(), 0)
    case = _table(path, "select * from cases where case_id = '64345465'").iloc[0]
    # 3/14/2025 1:20 in New York (EDT since 9 March) is 05:20 UTC; the local date stays the 14th
    assert case["created_at"] == pd.Timestamp("2025-03-14 05:20")
    assert str(case["created_date"])[:10] == "2025-03-14"
    assert (case["status"], case["source"], case["vendor"], case["market"]) == ("open", "user_report", "NYPD", "BROOKLYN")


@pytest.mark.parametrize("export", both(NYC))
def test_suggest_mapping_recognises_aliases_and_the_shipped_mapping(export):
    suggestion = suggest_mapping(export)
    assert suggestion["kind"] == "cases"
    assert suggestion["suggested"]["Created Date"] == "created_at"
    assert suggestion["suggested"]["Unique Key"] == "case_id"
    assert "nyc311.toml" in suggestion["mappings"]
    assert "Latitude" in suggestion["unknown"]


def test_shipped_mappings_are_listed():
    assert {p.name for p in list_mappings()} >= {"servicenow_incident_log.toml", "nyc311.toml"}


def test_docstring_examples_run():
    import doctest

    from analytics.ingest import parsers
    assert doctest.testmod(parsers).failed == 0
