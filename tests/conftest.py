"""Shared fixtures: one small demo database built once per test session, and a clean
Streamlit cache for every test (cached results survive across AppTest instances otherwise).

Tests run as the app does: `pytest_configure` makes the process-wide settings of
analytics/startup.py, and rebuildable files (the empty-database template) go to a folder of the
session's, not into the checkout's data/cache."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile

import pytest

from analytics import dataset as demo_dataset
from analytics import db, startup

_MADE_CACHE: list[str] = []


def pytest_configure(config):
    startup.configure()
    if "ESCALATION_RADAR_CACHE_DIR" not in os.environ:   # (xdist workers inherit the first's)
        _MADE_CACHE.append(tempfile.mkdtemp(prefix="radar-cache-"))
        os.environ["ESCALATION_RADAR_CACHE_DIR"] = _MADE_CACHE[0]


def pytest_unconfigure(config):
    for folder in _MADE_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("ESCALATION_RADAR_CACHE_DIR", None)

DEMO_CASES = 20_000
DEMO_END = dt.datetime(2026, 3, 31, 18, 0)  # fixed, so every run sees the same data


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """Path of a DuckDB file holding the seeded demo at small size (read it, never write it)."""
    from analytics.demo import load as demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.load_demo(path, n_cases=DEMO_CASES, end=DEMO_END)
    return path


@pytest.fixture
def app_db(demo_db, monkeypatch):
    """Point the app (settings.db_path) at the shared demo database."""
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(demo_db))
    return demo_db


@pytest.fixture(autouse=True)
def clear_streamlit_cache():
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def writable_db(demo_db, tmp_path, monkeypatch):
    """A private copy of the demo database that a test may ingest into: marked as someone's own
    data (the demo itself takes no uploads: tests/ui/test_clean_start.py)."""
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    with db.writer(path, derived="keep") as con:
        demo_dataset.mark(con, demo_dataset.OWN)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    return path
