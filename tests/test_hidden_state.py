"""No hidden state (#18 point 6): importing a module changes nothing process-wide (the settings
are made by analytics/startup.configure(), called by each entry point); a new database writes
nothing outside the data folder unless configured; stored detection results are keyed on the
SQL they read as well as on the detector code."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analytics import settings
from analytics.results import cache as results_cache

ROOT = settings.ROOT


def _python(code: str, env: dict | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_importing_every_module_changes_no_process_wide_setting():
    out = _python("""
        import csv, importlib, pkgutil
        import plotly.io as pio
        import streamlit   # (which sets Plotly's default template to its own on import)
        before = (csv.field_size_limit(), pio.templates.default)
        import analytics, ui
        for package in (analytics, ui):
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                if ".pages." not in info.name and not info.name.endswith("__main__"):
                    importlib.import_module(info.name)
        from analytics import startup
        after = (csv.field_size_limit(), pio.templates.default)
        print(before == after, startup.limit_arenas.cache_info().currsize, after)
    """)
    assert out.startswith("True 0"), out


def test_configure_makes_the_settings_and_every_entry_point_calls_it():
    out = _python("""
        import csv, sys
        import plotly.io as pio
        from analytics.__main__ import main
        try:
            main(["trends", "--help"])
        except SystemExit:
            pass
        print(csv.field_size_limit() == sys.maxsize, pio.templates.default)
    """)
    assert out.splitlines()[-1] == "True radar", out
    assert "_startup.configure()" in (ROOT / "app.py").read_text(encoding="utf-8")
    assert csv.field_size_limit() == sys.maxsize   # tests/conftest.py made them too


def test_the_template_folder_defaults_inside_the_data_folder(monkeypatch):
    monkeypatch.delenv("ESCALATION_RADAR_CACHE_DIR", raising=False)
    assert Path(settings.get("ESCALATION_RADAR_CACHE_DIR")).is_relative_to(ROOT / "data")


def test_a_new_database_writes_nothing_in_the_home_folder(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    env |= {"HOME": str(home), "ESCALATION_RADAR_CACHE_DIR": str(tmp_path / "cache")}
    _python(f"""
        from analytics import db
        with db.writer({str(tmp_path / "radar.duckdb")!r}) as con:
            con.execute("select 1")
    """, env)
    assert (tmp_path / "radar.duckdb").exists()
    assert not list(home.rglob("*")), list(home.rglob("*"))
    assert list((tmp_path / "cache").glob("empty-*.duckdb"))


def test_the_detector_code_and_the_sql_it_reads_are_in_the_results_key():
    files = {p.relative_to(ROOT).as_posix() for p in results_cache.code_files()}
    assert {"analytics/spikes/detect.py", "analytics/trends/segments.py",
            "sql/marts/spike_counts_daily.sql", "sql/marts/trend_cases.sql"} <= files


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of the code and SQL the results depend on, as the project root."""
    for folder in ("analytics", "sql"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(settings, "ROOT", tmp_path)
    results_cache.code_version.cache_clear()
    yield tmp_path
    results_cache.code_version.cache_clear()


def test_an_edited_query_is_never_served_an_old_stored_result(project_copy):
    version = ("/srv/radar.duckdb", 1, 2)
    before = results_cache.result_path(version, "spikes", ("day",))
    mart = project_copy / "sql" / "marts" / "spike_counts_daily.sql"
    mart.write_text(mart.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    results_cache.code_version.cache_clear()
    assert results_cache.result_path(version, "spikes", ("day",)) != before
