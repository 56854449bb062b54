"""The real public exports, loaded with their committed mappings as a new user would, on every
page: their cuts in tests/fixtures/samples/ always, the full files when ../shared is present."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, ingest, settings
from samples import MAPPING, NYC, SERVICENOW, both

EXPORTS = {"servicenow": SERVICENOW, "nyc311": NYC}
PAGES = [f"ui/pages/{name}.py" for name in ("overview", "markets", "kpis", "vendors", "cases", "data")]



@pytest.fixture(scope="module", params=[
    pytest.param((name, param.values[0]), id=f"{name}-{param.id}", marks=param.marks)
    for name in sorted(EXPORTS) for param in both(EXPORTS[name])])
def sample_db(request, tmp_path_factory):
    name, path = request.param
    db_path = tmp_path_factory.mktemp(name) / "radar.duckdb"
    report = ingest.ingest_file(path, mapping=MAPPING[name], db_path=db_path)
    assert report.rows_read == (report.rows_inserted + report.rows_updated + report.rows_unchanged
                                + report.rows_superseded + report.rows_rejected)
    return name, db_path, report


def test_every_page_shows_the_sample_without_error(sample_db, monkeypatch):
    name, db_path, report = sample_db
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(db_path))
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    at.run(timeout=60)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (name, page, [e.value for e in at.exception])
        assert not at.error, (name, page, [e.value for e in at.error])
    at.switch_page("ui/pages/overview.py").run()
    cases = next(m.value for m in at.metric if m.label == "Cases")
    assert int(cases.replace(",", "")) > 0, name


def test_sample_vendors_are_its_teams(sample_db):
    name, db_path, report = sample_db
    with db.reader(db_path) as con:
        vendors = {v for (v,) in con.execute("select distinct vendor from cases").fetchall()}
    # ServiceNow assignment groups (the mapping overrides the export's own, mostly empty vendor
    # column); NYC 311 agencies.
    expected = {"servicenow": "Group 70", "nyc311": "NYPD"}[name]
    assert expected in vendors


def test_kpis_an_export_lacks_are_missing_not_zero(sample_db):
    name, db_path, report = sample_db
    with db.reader(db_path) as con:
        row = db.query_df(con, "marts/kpi_summary", start_date=None, end_date=None, markets=None,
                          categories=None, sources=None, as_of=None).iloc[0]
    assert row["cases"] > 0
    # Neither export has an appeal flag or a first-response time: "no data", never 0 %.
    assert row["appeal_rate_pct"] != row["appeal_rate_pct"]  # NaN
    assert row["first_response_median_s"] != row["first_response_median_s"]


def test_a_historic_export_is_not_said_to_be_still_arriving(sample_db, monkeypatch):
    """Both samples end years before they are ingested: the freshness line says the data ends
    there, never that later days are still arriving."""
    name, db_path, report = sample_db
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(db_path))
    at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=30)
    at.run(timeout=60)
    at.switch_page("ui/pages/overview.py").run()
    line = next(c.value for c in at.caption if "Data freshness" in c.value)
    assert "the data ends there" in line and "still arriving" not in line, (name, line)
