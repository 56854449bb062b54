"""The Share action in the app, the Snapshots and Alerts pages, and picks kept in the URL."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import PurePath

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.snapshots import build as snapshot
from analytics.snapshots import store
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


@pytest.fixture
def downloads(monkeypatch):
    """The files the page's download buttons would serve, by file name: each button reads its
    file on click (a deferred callable registered with Streamlit's media file manager)."""
    served = {}
    register = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        served[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return served


def test_a_shared_snapshot_is_listed_in_words_and_downloads_the_same_files_after_a_restart(
        own_db, downloads):
    at = start({"markets": "KZ"}, "ui/pages/trends.py")
    at.text_input(key="share_author_trends").input("Dana <b>*x*</b>")
    at.button(key="share_make_trends").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    name, payload = at.session_state["share_zip_trends"][:2]
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:   # what Share handed out
        shared = {PurePath(n).name: archive.read(n) for n in archive.namelist()}
    assert name.endswith(".zip") and any(n.endswith(".html") for n in shared)
    assert any(n.endswith(".csv") for n in shared)

    at = start(page="ui/pages/snapshots.py")   # a new session: only the store remembers it
    assert {b.label for b in at.get("download_button")} == set(shared)
    assert {n: downloads[n]() for n in shared} == shared   # byte-identical, every file
    listed = at.dataframe[0].value
    assert list(listed["made_by"]) == ["Dana <b>*x*</b>"]
    words = listed["in_words"].iloc[0]
    assert words.startswith("Trends page · markets KZ · all categories · all sources · ")
    assert words.endswith("aggregate-only")
    assert str(own_db.parent) not in str(listed.to_dict()) and "/tmp" not in str(listed.to_dict())
    shown = " ".join(m.value for m in at.markdown)
    assert "Dana \\<b\\>\\*x\\*\\</b\\>" in shown and "<b>" not in shown   # escaped
    at.toggle(key="snapshot_open").set_value(True).run()
    assert not at.exception and at.get("iframe")


def test_a_partner_lists_only_aggregate_only_snapshots(own_db, tmp_path, monkeypatch):
    made = {examples: snapshot.make(own_db, snapshot.Request(
        "overview", markets=("KZ",), include_examples=examples, author="Aru"),
        tmp_path / f"overview-{examples}.html", browser=None)["snapshot_id"]
        for examples in (False, True)}
    access = tmp_path / "access.toml"
    access.write_text('require_sign_in = true\n[users]\n"p@x.org" = "partner"\n'
                      '"s@x.org" = "specialist"\n')
    monkeypatch.setenv("ESCALATION_RADAR_ACCESS_FILE", str(access))
    seen = {}
    for email in ("p@x.org", "s@x.org"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.user = {"email": email, "is_logged_in": True}
        at.run(timeout=120)
        at.switch_page("ui/pages/snapshots.py").run()
        assert not at.exception, [e.value for e in at.exception]
        seen[email] = at.dataframe[0].value
    assert list(seen["p@x.org"]["title"]) == ["Overview"]   # the one without case text
    seen = {email: list(frame["in_words"]) for email, frame in seen.items()}
    assert seen["p@x.org"][0].endswith("aggregate-only")
    assert sorted(w.rsplit(" · ", 1)[1] for w in seen["s@x.org"]) == [
        "aggregate-only", "with case text"]
    assert set(store.with_case_text(own_db)["snapshot_id"]) == {made[True]}


def test_the_alerts_page_says_alerts_never_go_out_about_the_demo(own_db):
    at = start(page="ui/pages/alerts.py")
    notice = " ".join(i.value for i in at.info)
    assert "alerts never go out about it" in notice and "Use my own data" in notice


def test_spike_and_vendor_picks_round_trip_through_the_url(own_db):
    with db.reader(own_db) as con:
        event_id = spike_db.detect(con)[1]["event_id"].iloc[0]
    at = start({"from": "2025-11-01", "to": "2026-03-30", "spike": event_id},
               "ui/pages/spikes.py")
    assert at.session_state["spike_pick"] == event_id   # the inbox's open event (a row click)
    assert at.query_params["spike"] == [event_id] or at.query_params["spike"] == event_id
    at = start({"vendor": "Borealis Review", "period": "month"}, "ui/pages/vendors.py")
    assert at.selectbox(key="vendor_pick").value == "Borealis Review"
