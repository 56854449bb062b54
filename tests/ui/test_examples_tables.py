"""Summaries in sight (#16 point 7): example cases on the Cases, Spikes and Trends pages show the
case id, then the summary (wrapped, the term marked), and segment trends open their cases.

The Trends tests run on the NYC 311 sample (its trends cut in tests/fixtures/samples, and the full
file in ../shared/samples when present), loaded by the real ingest: its export has no language column,
which is where segment trends opened an empty examples table."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from analytics import settings
from analytics.ingest import ingest_file
from browser_page import HAS_CHROMIUM, app_page
from samples import MAPPING, NYC_TRENDS, both

APP = str(settings.ROOT / "app.py")
HEAD = re.compile(r"<thead><tr>(.*?)</tr></thead>")
ROW = re.compile(r"<tr><td>")


@pytest.fixture(scope="module", params=both(NYC_TRENDS))
def nyc_db(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("nyc") / "nyc.duckdb"
    ingest_file(request.param, mapping=MAPPING["nyc311"], db_path=path)
    return path


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tables(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "case-examples" in h.proto.body]


def columns(table: str) -> list[str]:
    return re.findall(r"<th>(.*?)</th>", HEAD.search(table).group(1))


def test_segment_and_term_trends_open_their_cases_summary_second(nyc_db, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(nyc_db))
    at = open_page("ui/pages/trends.py")
    trends = next(d.value for d in at.dataframe if "label" in d.value.columns)
    kinds = set(trends["what"].head(6))
    assert {"Segment", "Wording"} <= kinds   # both kinds are opened below
    shown = tables(at)
    assert len(shown) == min(len(trends), 6) and not at.info
    for table in shown:
        assert columns(table)[:2] == ["Case id", "Summary"]
        assert len(ROW.findall(table)) >= 1
        assert 'class="summary"' in table
    wording = trends[trends["what"] == "Wording"].iloc[0]["label"]
    first_word = wording.split()[0]
    assert any(re.search(rf"<mark>{first_word}</mark>", t, re.I) for t in shown)


def test_spike_examples_show_the_summary_second(app_db):
    at = open_page("ui/pages/spikes.py", {"from": "2025-06-01", "to": "2026-03-31"})
    shown = tables(at)
    assert len(shown) == 1
    assert columns(shown[0])[:2] == ["Case id", "Summary"]
    assert len(ROW.findall(shown[0])) >= 1


def test_cases_show_the_newest_summaries_in_full_without_a_search(app_db):
    at = open_page("ui/pages/cases.py")
    shown = tables(at)
    assert len(shown) == 1 and columns(shown[0])[:2] == ["Case id", "Summary"]
    assert len(ROW.findall(shown[0])) == 20
    grid = next(d.value for d in at.dataframe if "case_id" in d.value.columns)
    assert list(grid.columns[:2]) == ["case_id", "summary"]


@pytest.mark.slow
@pytest.mark.skipif(not HAS_CHROMIUM, reason="needs /usr/bin/chromium")
def test_the_summary_is_on_screen_at_1440_by_900(nyc_db, tmp_path):
    with app_page(nyc_db, "trends") as page:
        summary = page.locator("table.case-examples td.summary").first
        summary.wait_for(state="visible")
        summary.scroll_into_view_if_needed()
        box = summary.bounding_box()
        text = summary.inner_text()
        page.screenshot(path=tmp_path / "trends-examples.png")
    assert text.strip()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 1440   # not off to the right
    assert box["height"] > 0
