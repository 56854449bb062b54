"""A clean start (#16 point 1): a new database path starts empty on a first screen; the README's
plain run command opens the demo, which lives in a database of its own; nothing but the demo
goes into the demo's file, the demo goes into no one else's, and alerts never run on it.

Real DuckDB files, the real ingest and the real app (AppTest) from its entry point."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import dataset, db, settings, state
from analytics.alerts import cli as alert_cli
from analytics.demo import load as demo
from analytics.ingest import cli as ingest_cli

APP = str(settings.ROOT / "app.py")
SAMPLE = settings.ROOT / "tests" / "fixtures" / "samples" / "311_Animals_cut.csv"   # (tests/samples.py)
UPLOAD = ("case_id,created_at,market,abuse_category,source,priority,status,summary\n"
          "UP-1,2026-03-30 10:00:00,KZ,scam,regulator,P1,open,Алаяқтық туралы шағым\n")


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run(timeout=120)
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest) -> None:
    """Press the Data page's upload form's button."""
    next(b for b in at.button if b.label == "Ingest").click().run()


def cases_in(path) -> int:
    with db.reader(path) as con:
        return con.execute("select count(*) from cases").fetchone()[0]


def texts(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.error])


@pytest.fixture
def own_path(tmp_path, monkeypatch):
    """ESCALATION_RADAR_DB set to a new path; the demo's database elsewhere in tmp."""
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(tmp_path / "mine" / "radar.duckdb"))
    monkeypatch.setenv("ESCALATION_RADAR_DEMO_DB", str(tmp_path / "demo" / "demo.duckdb"))
    monkeypatch.setenv("ESCALATION_RADAR_DEMO_CASES", "3000")
    return tmp_path / "mine" / "radar.duckdb"


def test_a_new_database_path_starts_empty_on_the_first_screen(own_path, tmp_path):
    at = start()
    assert at.title[0].value == "Escalation Radar"
    assert "Nothing is loaded yet" in texts(at)
    assert not at.metric                          # no tiles: nothing to count
    assert {"start_demo", "dataset_demo"} <= {b.key for b in at.button}
    assert own_path.exists() and cases_in(own_path) == 0   # created empty, no demo rows
    assert not (tmp_path / "demo" / "demo.duckdb").exists()


def test_the_first_screen_loads_my_export_into_my_database(own_path, tmp_path):
    at = start(page="ui/pages/data.py")
    at.file_uploader(key="upload_file").upload("mine.csv", UPLOAD.encode(), "text/csv")
    submit(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert cases_in(own_path) == 1 and not dataset.is_demo(own_path)
    at.switch_page("ui/pages/overview.py").run()
    assert not at.exception
    assert next(m.value for m in at.metric if m.label == "Cases") == "1"
    assert not (tmp_path / "demo" / "demo.duckdb").exists()   # the demo was never made


def test_the_readme_command_opens_the_demo_in_its_own_database(tmp_path, monkeypatch):
    default = tmp_path / "data" / "escalation_radar.duckdb"
    monkeypatch.delenv("ESCALATION_RADAR_DB", raising=False)   # the README's plain command
    monkeypatch.setitem(settings._BY_NAME, "ESCALATION_RADAR_DB",
                        settings.Setting("ESCALATION_RADAR_DB", str(default), ""))
    demo_path = tmp_path / "demo" / "demo.duckdb"
    monkeypatch.setenv("ESCALATION_RADAR_DEMO_DB", str(demo_path))
    monkeypatch.setenv("ESCALATION_RADAR_DEMO_CASES", "3000")
    at = start()
    assert at.title[0].value == "Overview"
    assert float(next(m.value for m in at.metric if m.label == "Cases").replace(",", "")) > 0
    assert dataset.is_demo(demo_path) and "Demo dataset" in texts(at)
    assert at.query_params["dataset"] in ("demo", ["demo"])
    assert not default.exists() or cases_in(default) == 0     # your database got no demo rows
    at.button(key="dataset_own").click().run()                 # the way back to your data
    assert not at.exception and at.title[0].value == "Escalation Radar"
    assert "dataset" not in at.query_params and cases_in(default) == 0


def test_an_upload_into_the_demo_is_refused(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    before = cases_in(path)
    at = start(page="ui/pages/data.py")
    assert "Demo dataset" in texts(at)          # the sidebar says what is in view
    at.file_uploader(key="upload_file").upload("mine.csv", UPLOAD.encode(), "text/csv")
    submit(at)
    assert not at.exception
    assert at.error and "demo dataset" in at.error[0].value
    assert cases_in(path) == before


def test_the_ingest_command_refuses_the_demo(demo_db, tmp_path, capsys):
    export = tmp_path / "mine.csv"
    export.write_text(UPLOAD, encoding="utf-8")
    version = db.data_version(demo_db)
    assert ingest_cli.main([str(export), "--db", str(demo_db)]) == 2
    assert "holds the demo dataset" in capsys.readouterr().err
    assert db.data_version(demo_db) == version


def test_alerts_refuse_to_run_on_the_demo(demo_db, tmp_path, capsys):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    code = alert_cli.main(["--webhook", "http://127.0.0.1:9/hook", "--db", str(path)])
    assert code == 2 and "running alerts on it" in capsys.readouterr().err
    assert not state.path_for(path).exists()   # no alert state was written for the demo


def test_the_demo_is_never_loaded_into_your_data(tmp_path, capsys):
    mine = tmp_path / "mine.duckdb"
    export = tmp_path / "mine.csv"
    export.write_text(UPLOAD, encoding="utf-8")
    assert ingest_cli.main([str(export), "--db", str(mine)]) == 0
    with pytest.raises(dataset.DemoDatasetError, match="not the demo"):
        demo.load_demo(mine, n_cases=1000)
    assert demo.main(["--db", str(mine), "--cases", "1000"]) == 2
    assert cases_in(mine) == 1 and not dataset.is_demo(mine)


def test_a_demo_written_before_the_marker_is_still_the_demo(demo_db, tmp_path):
    path = tmp_path / "old_demo.duckdb"
    shutil.copyfile(demo_db, path)
    assert dataset.is_demo(path)
    with db.writer(path, derived="keep") as con:
        con.execute("delete from schema_meta where key = 'dataset'")
    assert dataset.is_demo(path)          # only the demo loader's exports: still the demo
    with db.writer(path, derived="keep") as con:
        dataset.mark(con, dataset.OWN)
    assert not dataset.is_demo(path)


def test_a_sample_loaded_into_a_new_path_leaves_the_demo_alone(demo_db, tmp_path, capsys):
    version, had_state = db.data_version(demo_db), state.path_for(demo_db).exists()
    mine = tmp_path / "samples.duckdb"
    assert ingest_cli.main([str(SAMPLE), "--mapping", "nyc311", "--db", str(mine)]) == 0
    assert f"database: {mine}" in capsys.readouterr().out
    assert cases_in(mine) > 0 and not dataset.is_demo(mine)
    # (the demo's state store may exist from an earlier test of this file on the same worker)
    assert db.data_version(demo_db) == version and state.path_for(demo_db).exists() == had_state


IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"   # no run under way


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_in_chromium_a_new_path_starts_empty_and_an_upload_opens_the_pages(tmp_path, monkeypatch):
    """The whole first hour in a real browser: first screen, Load my export, upload, Overview."""
    import importlib.util

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    spec = importlib.util.spec_from_file_location("shot", settings.ROOT / "tools" / "screenshot.py")
    shot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shot)
    mine, demo_path = tmp_path / "mine.duckdb", tmp_path / "demo.duckdb"
    monkeypatch.setenv("ESCALATION_RADAR_DEMO_DB", str(demo_path))   # serve() passes os.environ
    export = tmp_path / "mine.csv"
    export.write_text(UPLOAD, encoding="utf-8")
    with shot.serve(mine) as base, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(120_000)
        page.goto(base + "/")
        page.get_by_text("Nothing is loaded yet").wait_for()
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.get_by_role("link", name="Load my export").first.click()
        page.get_by_text("Upload an export").wait_for()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(export)
        page.get_by_text("mine.csv").first.wait_for()
        done = page.get_by_text("read 1, inserted 1").first
        for attempt in range(3):   # a click during the upload's own rerun can be lost: again
            page.wait_for_function(IDLE)
            page.get_by_role("button", name="Ingest").click()
            try:
                done.wait_for(timeout=60_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Overview").click()
        tile = page.locator('[data-testid="stMetric"]').filter(
            has=page.get_by_text("Cases", exact=True)).locator('[data-testid="stMetricValue"]')
        tile.wait_for()
        assert tile.inner_text() == "1"
        assert "Traceback" not in page.content()
        browser.close()
    assert cases_in(mine) == 1 and not demo_path.exists()
