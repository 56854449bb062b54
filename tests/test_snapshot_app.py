"""The Share action in the app, the Snapshots and Alerts pages, and picks kept in the URL."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.spikes import triage as spike_db

APP = str(settings.ROOT / "app.py")


@pytest.fixture
def own_db(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    return path


def start(query=None, page=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run(timeout=120)
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_share_makes_a_recorded_snapshot_listed_on_the_snapshots_page(own_db):
    at = start({"markets": "KZ"}, "ui/pages/trends.py")
    at.text_input(key="share_author_trends").input("Dana")
    at.button(key="share_make_trends").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("download_button")
    at.switch_page("ui/pages/snapshots.py").run()
    listed = at.dataframe[0].value
    assert list(listed["made_by"]) == ["Dana"] and '"KZ"' in listed["filters"].iloc[0]


def test_spike_and_vendor_picks_round_trip_through_the_url(own_db):
    with db.reader(own_db) as con:
        event_id = spike_db.detect(con)[1]["event_id"].iloc[0]
    at = start({"from": "2025-11-01", "to": "2026-03-30", "spike": event_id},
               "ui/pages/spikes.py")
    assert at.selectbox(key="spike_pick").value == event_id
    assert at.query_params["spike"] == [event_id] or at.query_params["spike"] == event_id
    at = start({"vendor": "Borealis Review", "period": "month"}, "ui/pages/vendors.py")
    assert at.selectbox(key="vendor_pick").value == "Borealis Review"
