"""Every page of the app rendered from a store built on local Spark from the lake (issue 19 point 5):
the seeded demo data is exported to the lake layout, built on Spark, and the app opened on the
result through AppTest; the Overview shows the same numbers as on the database the demo ingest
wrote. Slow tier (starts a JVM); one Spark session for the file.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from app_fixture import APP, FIRST_RUN_S, PAGES, RUN_S, captions

from analytics.engines import build, lake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark_store(tmp_path_factory, demo_db):
    pytest.importorskip("pyspark")
    root = tmp_path_factory.mktemp("spark_app")
    lake.export(demo_db, root / "lake")
    report = build.build("spark", root / "lake", root / "store.duckdb")
    assert report.rows_to_store > 0
    return root / "store.duckdb"


def overview(monkeypatch, path) -> AppTest:
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=RUN_S)
    at.run(timeout=FIRST_RUN_S)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_page_renders_from_a_spark_built_store(spark_store, monkeypatch):
    at = overview(monkeypatch, spark_store)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        assert "Data freshness: newest case 2026-" in captions(at), page


def test_the_overview_shows_the_numbers_of_the_ingested_store(spark_store, demo_db, monkeypatch):
    import streamlit as st

    spark = {m.label: m.value for m in overview(monkeypatch, spark_store).metric}
    st.cache_data.clear()
    st.cache_resource.clear()
    ingested = {m.label: m.value for m in overview(monkeypatch, demo_db).metric}
    assert spark and spark == ingested
