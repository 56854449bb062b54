"""Shared fixtures: one small demo database built once per test session, and a clean
Streamlit cache for every test (cached results survive across AppTest instances otherwise)."""
from __future__ import annotations

import datetime as dt

import pytest

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
