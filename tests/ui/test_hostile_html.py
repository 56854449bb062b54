"""HTML and script in the data (summaries, categories, markets, file names) are shown as text,
in AppTest and in a real browser; CSV and .xlsx downloads neutralise formula injection; uploads
keep only a base name for display and an allowed suffix for the temporary file."""
from __future__ import annotations

import csv
import io
import shutil

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings, views
from analytics.ingest import ingest_file
from ui import upload as _upload

APP = str(settings.ROOT / "app.py")
SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"
MARKET = "<b>KZ</b>"
FILE_NAME = f"{SCRIPT}.csv"
PAGES = ["overview", "markets", "kpis", "spikes", "trends", "vendors", "cases", "data"]


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory):
    """The demo plus cases whose text is HTML, loaded under a file name that is HTML."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.duckdb"
    shutil.copy(demo_db, path)
    export = folder / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["case_id", "created_at", "market", "abuse_category", "summary"])
        for day in range(20, 31):
            out.writerow([f"H-{day}", f"2026-03-{day} 10:00:00", MARKET, IMG, SCRIPT + " =1+1"])
    ingest_file(export, kind="cases", db_path=path, file_name=FILE_NAME)
    return path


def _html_elements(at: AppTest) -> list[str]:
    """The text of every element the browser renders as HTML rather than as text."""
    marked = [*at.markdown, *at.caption, *at.get("html")]
    return [e.value for e in marked if e.type == "html" or getattr(e.proto, "allow_html", False)]


def test_no_page_renders_data_as_html(hostile_db, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(hostile_db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"markets": MARKET, "q": "H-"})
    at.run(timeout=60)
    assert at.multiselect(key="filter_markets").value == [MARKET]
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for text in _html_elements(at):
            assert "<script" not in text and "onerror" not in text and "<b>" not in text, page
    cases = next(d.value for d in at.switch_page("ui/pages/cases.py").run().dataframe
                 if "case_id" in d.value.columns)
    assert set(cases["summary"]) == {SCRIPT + " =1+1"}  # shown as it is, as text


@pytest.mark.slow   # headless Chromium: the slow tier (DEVELOPERS.md)
def test_the_browser_shows_html_in_the_data_as_text(hostile_db):
    from tools.screenshot import Chromium, page_url, serve

    async def steps(browser):
        return await browser.evaluate("""({html: document.documentElement.outerHTML,
            injected: [...document.querySelectorAll('img[src="x"], b, script')].filter(
                e => e.tagName === 'IMG' || /alert|^KZ$/.test(e.textContent)).length,
            text: document.body.innerText})""")

    with serve(hostile_db) as base:
        found = Chromium(page_url(base, "cases", "markets=%3Cb%3EKZ%3C%2Fb%3E&q=H-")).run(steps)
    assert MARKET in found["text"]            # the market chip shows the tags as text
    assert found["injected"] == 0
    assert "<b>KZ</b>" not in found["html"] and "&lt;b&gt;KZ&lt;/b&gt;" in found["html"]


def test_downloads_neutralise_formula_injection():
    frame = pd.DataFrame({"case_id": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)",
                                      "\tx", "\rx", "ok", None], "n": [-1, 2, 3, 4, 5, 6, 7, 8]})
    expected = ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    read = pd.read_csv(io.BytesIO(views.csv_bytes(frame)), encoding="utf-8-sig",
                       keep_default_na=False)
    assert read["case_id"].tolist()[:7] == expected and read["n"].tolist()[0] == -1
    sheet = openpyxl.load_workbook(io.BytesIO(views.xlsx_bytes(frame))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=False)]
    assert all(c.data_type != "f" for c in cells)   # openpyxl writes "=..." as a live formula
    assert [c.value for c in cells][:4] == expected[:4]
    assert sheet.cell(row=2, column=2).value == -1  # numbers stay numbers


@pytest.mark.parametrize("name, shown, suffix", [
    ("../../app.py", "app.py", None),
    ("..\\..\\Windows\\cases.csv", "cases.csv", ".csv"),
    ("/etc/passwd", "passwd", None),
    ("cases.CSV.gz", "cases.CSV.gz", ".csv.gz"),
    ("evil.exe.zip", "evil.exe.zip", ".zip"),
    (f"{SCRIPT}.xlsx", "script>.xlsx", ".xlsx"),
    ("a\x00b\nc.parquet", "abc.parquet", ".parquet"),
    ("noextension", "noextension", None),
])
def test_upload_names_are_display_only(name, shown, suffix):
    assert _upload.display_name(name) == shown
    assert _upload.allowed_suffix(name) == suffix


def test_the_data_page_names_files_by_base_name_only(hostile_db, monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(hostile_db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run(timeout=60)
    at.switch_page("ui/pages/data.py").run()
    history = next(d.value for d in at.dataframe if "file_name" in d.value.columns)
    assert FILE_NAME in set(history["file_name"])   # recorded and shown as text, not markup
    assert db.data_version(hostile_db)
