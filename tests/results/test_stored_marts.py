"""Heavy marts stored beside the database (analytics/results/marts.py): the stored frame equals
the mart run directly, is never served for another data version or another SQL text, and
`precompute` stores exactly what the Vendors page then reads."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.ingest import ingest_file
from analytics.results import marts as stored_marts
from analytics.results import precompute

WEEK = {"period": "week", "markets": None}


@pytest.fixture
def own_demo(demo_db, tmp_path):
    """A copy of the session's demo database that this test may write to and beside."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def direct(path, name: str, **params) -> pd.DataFrame:
    with db.reader(path) as con:
        return db.query_df(con, f"marts/{name}", **params)


def no_database(*_args, **_kwargs):
    raise AssertionError("opened the database although the mart was stored")


def test_a_stored_mart_equals_the_mart_run_directly_and_is_read_back(own_demo, monkeypatch):
    version = db.data_version(own_demo)
    for name in ("vendor_period_kpis", "vendor_mix_adjusted"):
        expected = direct(own_demo, name, **WEEK)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(stored_marts.mart(version, name, **WEEK), expected)
    expected = direct(own_demo, "vendor_period_kpis", **WEEK)
    monkeypatch.setattr(db, "reader", no_database)
    pd.testing.assert_frame_equal(stored_marts.mart(version, "vendor_period_kpis", **WEEK),
                                  expected)


def test_another_ingest_is_not_served_the_old_result(own_demo, tmp_path):
    before = stored_marts.mart(db.data_version(own_demo), "vendor_period_kpis", **WEEK)
    with db.reader(own_demo) as con:   # the demo's reviews of its first vendor, decided again
        reviews = con.sql("select * exclude (decided_date, row_hash, ingest_id) from reviews "
                          "where vendor = (select min(vendor) from reviews)").df()
    reviews["review_id"] = "again-" + reviews["review_id"]
    export = tmp_path / "reviews_again.csv"
    reviews.to_csv(export, index=False)
    assert ingest_file(export, kind="reviews", db_path=own_demo).rows_inserted == len(reviews)

    after = stored_marts.mart(db.data_version(own_demo), "vendor_period_kpis", **WEEK)
    assert not after.equals(before)
    pd.testing.assert_frame_equal(after, direct(own_demo, "vendor_period_kpis", **WEEK))


@pytest.fixture
def sql_copy(tmp_path, monkeypatch):
    """A copy of sql/ that the process reads its queries from (as after a release)."""
    folder = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, folder)
    db.sql_text.cache_clear()
    monkeypatch.setattr(db, "SQL_DIR", folder)
    yield folder
    db.sql_text.cache_clear()


def test_a_changed_sql_text_is_not_served_the_old_result(own_demo, sql_copy):
    version = db.data_version(own_demo)
    before = stored_marts.mart(version, "vendor_mix_adjusted", **WEEK)
    mart_file = sql_copy / "marts" / "vendor_mix_adjusted.sql"
    text = mart_file.read_text(encoding="utf-8")
    assert text.rstrip().endswith("select * from final")
    mart_file.write_text(text.rstrip() + " where vendor <> (select min(vendor) from final)\n",
                         encoding="utf-8")
    db.sql_text.cache_clear()

    after = stored_marts.mart(version, "vendor_mix_adjusted", **WEEK)
    assert set(before["vendor"]) - set(after["vendor"]) == {before["vendor"].min()}
    pd.testing.assert_frame_equal(after, direct(own_demo, "vendor_mix_adjusted", **WEEK))


def test_precompute_stores_what_the_vendors_page_reads(own_demo, monkeypatch):
    timings = precompute.warm(own_demo)
    assert "vendors" in timings
    version = db.data_version(own_demo)
    for period in ("week", "month"):
        for name in ("vendor_period_kpis", "vendor_mix_adjusted"):
            params = stored_marts.freeze({"period": period, "markets": None})
            path = stored_marts.results_cache.result_path(
                version, f"mart.{name}", params, stored_marts.sql_version(name))
            assert path.exists(), (name, period)

    asked = []   # a fresh page after precompute runs none of the stored marts itself
    query_df = db.query_df
    monkeypatch.setattr(db, "query_df", lambda con, name, **params: asked.append(
        (name, params.get("markets"))) or query_df(con, name, **params))
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(own_demo))
    for period in ("week", "month"):
        at = AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=60)
        at.query_params.update({"period": period})
        at.switch_page("ui/pages/vendors.py").run(timeout=120)
        assert not at.exception, [e.value for e in at.exception]
    heavy = [(name, markets) for name, markets in asked
             if name.removeprefix("marts/") in stored_marts.STORED]
    assert heavy == []
    assert "marts/vendor_reviewers" in {name for name, _ in asked}   # the spy saw the page run
