"""Headless tests of the Streamlit app from its real entry point, on the seeded demo database."""
from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from app_fixture import APP, FIRST_RUN_S, PAGES, captions, metric, number, start, table_with


def test_every_page_renders_with_freshness_and_charts(app_db):
    at = start()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert "Data freshness: newest case 2026-" in captions(at), page
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("ui/pages/overview.py").run()
    assert at.title[0].value == "Overview"
    assert len(at.get("plotly_chart")) >= 2
    assert "market-local dates" in captions(at) or at.date_input(key="filter_dates")


def test_overview_tiles_compare_with_the_previous_period(app_db):
    at = start()
    labels = [m.label for m in at.metric]
    assert {"Cases", "SLA attainment"} <= set(labels) or len(labels) >= 6
    assert number(at.metric[0].value) > 0
    assert all(m.delta for m in at.metric if m.label in ("Cases", "SLA attainment"))
    assert "Changes compare with" in captions(at)


def test_a_market_filter_lowers_the_case_count(app_db):
    at = start()
    everywhere = number(at.metric[0].value)
    at.multiselect(key="filter_markets").set_value(["KZ"]).run()
    assert not at.exception
    assert 0 < number(at.metric[0].value) < everywhere


def test_filters_round_trip_through_the_url(app_db):
    at = start({"from": "2026-02-01", "to": "2026-02-28", "markets": ["KZ", "UZ"],
                "sources": ["regulator"]})
    assert at.multiselect(key="filter_markets").value == ["KZ", "UZ"]
    assert at.multiselect(key="filter_sources").value == ["regulator"]
    assert [d.isoformat() for d in at.date_input(key="filter_dates").value] == [
        "2026-02-01", "2026-02-28"]
    at.multiselect(key="filter_categories").set_value(["scam"]).run()
    assert at.query_params["categories"] == "scam"
    assert at.query_params["markets"] == ["KZ", "UZ"]
    assert at.query_params["from"] == "2026-02-01"


def test_a_bad_url_falls_back_to_defaults(app_db):
    at = start({"from": "yesterday", "markets": ["Atlantis"], "kpi": "nonsense"},
               "ui/pages/kpis.py")
    assert at.multiselect(key="filter_markets").value == []
    assert at.selectbox(key="kpi_pick").value == "sla_attainment_pct"


def test_markets_page_opens_the_market_in_the_url(app_db):
    at = start({"market": "UZ"}, "ui/pages/markets.py")
    assert at.selectbox(key="market_focus").value == "UZ"
    uz_cases = number(metric(at, at.metric[0].label))
    at.selectbox(key="market_focus").set_value("KZ").run()
    assert at.query_params["market"] == "KZ"
    assert number(at.metric[0].value) > uz_cases  # KZ is the demo's largest market
    assert len(at.get("plotly_chart")) >= 4


def test_kpis_page_shows_trend_heatmap_and_definition(app_db):
    at = start({"kpi": "resolution_median_s", "by": "vendor"}, "ui/pages/kpis.py")
    assert at.selectbox(key="kpi_pick").value == "resolution_median_s"
    assert len(at.get("plotly_chart")) == 3
    at.selectbox(key="kpi_pick").set_value("overturn_rate_pct").run()
    assert at.query_params["kpi"] == "overturn_rate_pct"
    assert not at.exception


def _some_case(path) -> tuple[str, str]:
    with db.reader(path) as con:
        return con.execute("select case_id, market from cases where created_date >= "
                           "date '2026-03-01' order by case_id limit 1").fetchone()


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes of every file a download button offers, by file name. AppTest's media store
    lives only for one run, so record what Streamlit hands it."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def test_cases_search_finds_a_case_and_csv_has_a_bom(app_db, downloads):
    case_id, _ = _some_case(app_db)
    at = start(page="ui/pages/cases.py")
    at.text_input(key="case_search").set_value(case_id).run()
    assert at.query_params["q"] == case_id
    table = table_with(at, "case_id")
    assert table["case_id"].tolist() == [case_id]
    csv = downloads["cases.csv"]
    assert csv.startswith(b"\xef\xbb\xbfcase_id,")
    assert case_id.encode() in csv


def test_cases_search_matches_cyrillic_summaries(app_db, downloads):
    with db.reader(app_db) as con:
        word = con.execute("select regexp_extract(summary, '[А-Яа-яЁё]{6,}') from cases "
                           "where regexp_matches(summary, '[А-Яа-яЁё]{6,}') limit 1").fetchone()
    if word is None or not word[0]:
        pytest.skip("the demo has no Cyrillic summaries")
    at = start(page="ui/pages/cases.py")
    at.text_input(key="case_search").set_value(word[0]).run()
    summaries = table_with(at, "summary")["summary"].str.lower()
    assert len(summaries) > 0 and summaries.str.contains(word[0].lower()).all()
    assert word[0].encode("utf-8") in downloads["cases.csv"]


def test_data_page_shows_freshness_and_history(app_db):
    at = start(page="ui/pages/data.py")
    labels = [m.label for m in at.metric]
    assert {"Newest case created (UTC)", "Last ingest (UTC)", "Complete through"} <= set(labels)
    assert metric(at, "Newest case created (UTC)").startswith("2026-03-31")
    assert table_with(at, "rows_read")["file_name"].tolist()[-1] == "demo_cases.parquet"


@pytest.fixture
def db_without_reviews(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "no_reviews.duckdb"
    shutil.copyfile(demo_db, path)
    with db.writer(path) as con:
        con.execute("delete from reviews")
        con.execute("update cases set vendor = null")
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    return path


def test_vendors_page_says_in_words_when_no_reviews_are_loaded(db_without_reviews):
    at = start(page="ui/pages/vendors.py")
    notes = " ".join(i.value for i in at.info)
    assert "No vendor reviews are loaded" in notes
    assert "no vendor values" in notes, notes
    at.switch_page("ui/pages/kpis.py").run()
    at.segmented_control(key="kpi_by").set_value("vendor").run()
    assert not at.exception


UPLOAD = ("case_id,created_at,market,abuse_category,source,priority,status,summary\n"
          "UP-1,2026-03-30 10:00:00,KZ,scam,regulator,P1,open,Алаяқтық туралы шағым\n"
          "UP-2,not a time,KZ,scam,regulator,P1,open,second\n")


def test_upload_ingests_with_counts_that_add_up(writable_db, downloads):
    at = start(page="ui/pages/data.py")
    cases_before = number(metric(at, "Cases"))
    at.file_uploader(key="upload_file").upload("upload.csv", UPLOAD.encode(), "text/csv")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    counts = table_with(at, "rows_read").iloc[0]
    assert counts["rows_read"] == 2 and counts["rows_rejected"] == 1
    assert counts["rows_read"] == sum(counts[c] for c in counts.index if c != "rows_read")
    assert number(metric(at, "Cases")) == cases_before + 1
    rejected = table_with(at, "reason")
    assert {"upload.csv"} == set(rejected["file_name"]) and 2 in set(rejected["row_number"])
    csv = downloads["rejected_rows.csv"].decode("utf-8-sig")
    assert "upload.csv" in csv and "not a time" in csv and "created_at" in csv


@pytest.mark.parametrize("name, content, expected", [
    ("broken.parquet", b"this is not parquet", "broken.parquet"),
    ("wrong.csv", b"just,two\ncolumns,here\n", "case_id"),
])
def test_a_bad_upload_gets_a_message_not_a_traceback(writable_db, name, content, expected):
    at = start(page="ui/pages/data.py")
    at.file_uploader(key="upload_file").upload(name, content, "application/octet-stream")
    at.button[0].click().run()
    assert not at.exception
    # Shown as Markdown with its punctuation escaped (ui.widgets.plain): compare the text read.
    messages = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in [*at.error, *at.warning]))
    assert at.error and name in re.sub(r"\\(.)", r"\1", at.error[0].value) and expected in messages
    assert "Traceback" not in messages


def test_a_file_that_is_not_our_database_gets_a_message(tmp_path, monkeypatch):
    path = tmp_path / "foreign.duckdb"
    path.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=FIRST_RUN_S).run()
    assert not at.exception
    assert str(path) in at.error[0].value


def test_reversed_dates_in_the_url_are_put_in_order(app_db):
    at = start({"from": "2026-03-10", "to": "2026-03-01"})
    assert [d.isoformat() for d in at.date_input(key="filter_dates").value] == [
        "2026-03-01", "2026-03-10"]


def test_data_labels_are_escaped_before_they_reach_html():
    import pandas as pd

    from ui import charts
    from ui import widgets as _ui

    assert charts.safe_labels(pd.Series(["<a href='x'>KZ</a>", None])).tolist() == [
        "&lt;a href=&#x27;x&#x27;&gt;KZ&lt;/a&gt;", "(unknown)"]
    assert _ui.plain("[click](http://x) <b>") == r"\[click\]\(http://x\) \<b\>"
