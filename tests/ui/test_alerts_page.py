"""The Alerts page in AppTest from the real entry point, with sign-in on: a partner sees the
inbox read-only; a specialist's acknowledgement is recorded under their signed-in e-mail, never
under a typed name; with sign-in off a typed name is what there is."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics import state as app_state
from analytics.alerts import run as alerts

APP = str(settings.ROOT / "app.py")
SPECIALIST, PARTNER = "aigerim@example.org", "partner-desk@example.org"
ALERT = {"alert_key": "spike:page-test", "kind": "spike", "segment_key": 'segment:{"market": "KZ"}',
         "title": "Spike: KZ", "observed": 40, "expected": 10.0, "since": "2026-03-30",
         "drivers": [], "link": "http://localhost:8501/spikes"}


@pytest.fixture(scope="module")
def inbox_db(demo_db, tmp_path_factory):
    """The demo with one undelivered (open) alert: its webhook refuses connections."""
    from tools.screenshot import free_port

    path = tmp_path_factory.mktemp("alerts_page") / "inbox.duckdb"
    shutil.copyfile(demo_db, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alerts.alert_items, "collect", lambda con, since, until: [dict(ALERT)])
        result = alerts.run(path, f"http://127.0.0.1:{free_port()}/hook", retries=0,
                            now=dt.datetime(2026, 3, 31, 12), timeout_s=1)
    assert result["pending"] == 1
    return path


@pytest.fixture
def inbox(inbox_db, tmp_path, monkeypatch):
    """A copy of the inbox for this test, the app pointed at it; sign-in off."""
    path = tmp_path / "inbox.duckdb"
    shutil.copyfile(inbox_db, path)
    shutil.copyfile(app_state.path_for(inbox_db), app_state.path_for(path))   # its app state
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(path))
    monkeypatch.setenv("ESCALATION_RADAR_ACCESS_FILE", str(tmp_path / "no-access.toml"))
    return path


@pytest.fixture
def signed_in(inbox, tmp_path, monkeypatch):
    access = tmp_path / "access.toml"
    access.write_text(f'require_sign_in = true\n[users]\n"{SPECIALIST}" = "specialist"\n'
                      f'"{PARTNER}" = "partner"\n')
    monkeypatch.setenv("ESCALATION_RADAR_ACCESS_FILE", str(access))
    return inbox


def alerts_page(email: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if email:
        at.user = {"email": email, "is_logged_in": True}
    at.run(timeout=90)
    at.switch_page("ui/pages/alerts.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def keys(at: AppTest) -> set[str]:
    return {w.key for w in [*at.button, *at.text_input, *at.selectbox] if w.key}


def acknowledged_by(path) -> object:
    with db.reader(path) as con:
        items = alerts.known_items(con)
    return items.set_index("alert_key").loc[ALERT["alert_key"], "acknowledged_by"]


def test_a_partner_sees_the_inbox_read_only(signed_in):
    at = alerts_page(PARTNER)
    assert at.dataframe and "Spike: KZ" in set(at.dataframe[0].value["title"])
    assert not keys(at) & {"alert_ack", "alert_snooze", "alert_who", "alert_pick"}
    assert any("Read-only" in c.value for c in at.caption)


def test_an_acknowledgement_is_recorded_under_the_signed_in_user(signed_in):
    at = alerts_page(SPECIALIST)
    assert "alert_who" not in keys(at)   # no name to type: the sign-in says who
    at.button(key="alert_ack").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert acknowledged_by(signed_in) == SPECIALIST


def test_without_sign_in_the_typed_name_is_recorded(inbox):
    at = alerts_page(None)
    at.text_input(key="alert_who").input("Daniyar").run()
    at.button(key="alert_ack").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert acknowledged_by(inbox) == "Daniyar"
