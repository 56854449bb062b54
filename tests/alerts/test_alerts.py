"""Alert digests posted to a real HTTP server on 127.0.0.1: payload shapes, sent once across
runs, retried after a 500, kept and sent next run when the endpoint is down."""
from __future__ import annotations

import datetime as dt
import http.server
import json
import shutil
import threading

import pandas as pd
import pytest

from analytics import db
from analytics.alerts import payloads as alert_payloads
from analytics.alerts import run as alerts

SINCE = dt.date(2025, 11, 1)   # the 20k demo has one spike event (2025-11-18) and trends
UNTIL = dt.date(2026, 3, 30)


class Webhook:
    """A local webhook: answers with the scripted statuses (then 200) and keeps every body."""

    def __init__(self, statuses=()):
        self.statuses, self.bodies = list(statuses), []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = hook.statuses.pop(0) if hook.statuses else 200
                if status == 200:
                    hook.bodies.append(json.loads(body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    server = Webhook()
    yield server
    server.close()


@pytest.fixture
def alert_db(demo_db, tmp_path):
    path = tmp_path / "alerts.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def found(demo_db):
    """What the detectors find in the demo (computed once: about 4 s a run)."""
    from analytics.alerts import items as alert_items

    with db.reader(demo_db) as con:
        return alert_items.collect(con, since=SINCE, until=UNTIL)


@pytest.fixture
def detected_once(found, monkeypatch):
    """Later runs reuse the detection of the first (the data does not change between them)."""
    monkeypatch.setattr(alerts.alert_items, "collect", lambda con, since, until: found)


def run(path, hook, **kw):
    return alerts.run(path, hook.url, since=SINCE, until=UNTIL, backoff_s=0.01, **kw)


def test_digest_reaches_the_server_once_per_incident(alert_db, hook):
    first = run(alert_db, hook, fmt="generic")
    assert first["sent"] == first["found"] >= 2 and first["pending"] == 0
    items = hook.bodies[0]["items"]
    assert {i["kind"] for i in items} == {"spike", "trend"}
    spike = next(i for i in items if i["kind"] == "spike")
    assert spike["observed"] > spike["expected"] and spike["since"] == "2025-11-18"
    assert spike["link"].startswith("http://localhost:8501/spikes?spike=")
    second = run(alert_db, hook, fmt="generic")
    assert second["sent"] == 0 and len(hook.bodies) == 1  # nothing sent twice
    sends = alerts.sends(alert_db)   # the dataset's app state
    assert len(sends) == 1 and sends["ok"].all()
    assert "secret-token" not in sends["webhook"].iloc[0]  # the URL's secret is not logged


def test_retry_after_a_500_and_every_attempt_logged(alert_db, hook, detected_once):
    hook.statuses = [500]
    result = run(alert_db, hook, fmt="slack")
    assert result["pending"] == 0 and [a.http_status for a in result["attempts"]] == [500, 200]
    body = hook.bodies[0]
    assert body["blocks"][0]["type"] == "header" and "new spike" in body["text"]
    assert all(b["accessory"]["url"].startswith("http") for b in body["blocks"][1:])
    assert list(alerts.sends(alert_db)["http_status"]) == [200, 500]


def test_failing_endpoint_keeps_alerts_and_sends_them_next_run(alert_db, hook, detected_once):
    hook.statuses = [503, 503]
    failed = run(alert_db, hook, fmt="teams", retries=1)
    assert failed["pending"] == failed["found"] and not hook.bodies
    recovered = run(alert_db, hook, fmt="teams")
    assert recovered["sent"] == failed["found"] and len(hook.bodies) == 1
    card = hook.bodies[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and card["content"]["version"] == "1.4"
    assert any(b["type"] == "ActionSet" for b in card["content"]["body"])
    assert run(alert_db, hook, fmt="teams")["sent"] == 0 and len(hook.bodies) == 1


def test_plan_cooldown_snooze_and_ack():
    now = dt.datetime(2026, 3, 31, 12)
    item = lambda key, seg: {"alert_key": key, "kind": "spike", "segment_key": seg,  # noqa: E731
                             "title": key, "observed": 20, "expected": 5.0, "since": "2026-03-30",
                             "drivers": [], "link": "x"}
    known = pd.DataFrame([
        {"alert_key": "a", "segment_key": "s1", "status": "sent", "sent_at": now - dt.timedelta(days=1),
         "acknowledged_at": None, "snoozed_until": None, "kind": "spike", "title": "a", "details": "{}"},
        {"alert_key": "b", "segment_key": "s2", "status": "sent", "sent_at": now - dt.timedelta(days=9),
         "acknowledged_at": None, "snoozed_until": now + dt.timedelta(hours=5), "kind": "spike",
         "title": "b", "details": "{}"}])
    found = [item("a", "s1"), item("c", "s1"), item("d", "s2"), item("e", "s3"), item("f", "s3")]
    send, held = alerts.plan(known, found, now)
    assert [i["alert_key"] for i in send] == ["e"]  # a: sent before; f: same segment as e
    assert {(i["alert_key"], why) for i, why in held} == {("c", "cool-down"), ("d", "snoozed"),
                                                         ("f", "cool-down")}


def test_acknowledged_pending_alert_is_not_sent(alert_db, hook, detected_once):
    hook.statuses = [500]
    failed = run(alert_db, hook, retries=0)
    with db.reader(alert_db) as con:
        pending = alerts.known_items(con)
    for row in pending.to_dict("records"):
        alerts.respond(alert_db, row, "ack", by="tester")
    assert run(alert_db, hook)["sent"] == 0 and failed["pending"] >= 2 and not hook.bodies


def test_slack_text_from_the_data_is_escaped():
    body = alert_payloads.slack([{"alert_key": "trend:x", "kind": "trend",
                                  "title": "<!channel> & co", "observed": 1,
                                  "expected": 0.5, "since": "2026-03-01", "drivers": [],
                                  "link": "http://x"}])
    assert "&lt;!channel&gt; &amp; co" in body["blocks"][1]["text"]["text"]
