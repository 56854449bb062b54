"""Delivered means accepted: alert digests against a real HTTP server on 127.0.0.1 that
redirects, stalls, fails, rate-limits and accepts, with a real DuckDB file recording them.

The receiver honours the Idempotency-Key (it processes a message's alerts once per key) and also
counts every copy it was handed, so a test can say both what a careful receiver processed and
what a careless one would have. Timeouts and waits are short parameters, never 10 s sleeps.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import json
import threading
import time
from collections import Counter

import pytest

from analytics import db
from analytics.alerts import payloads as alert_payloads
from analytics.alerts import run as alerts
from analytics.alerts import send as alert_send

NOW = dt.datetime(2026, 3, 31, 12)


class Receiver:
    """A webhook on an ephemeral port that plays `script` (one action per request, then
    "accept") and keeps every request: method, path, Idempotency-Key and alert ids.

    Actions: "accept"; "redirect" (302 to /moved, which answers a GET with 200); "stall" (the
    alerts are processed, the answer comes after `stall_s`: too late for the client);
    "fail" (500); "refuse" (400); "rate-date" / "rate-seconds" (429 with Retry-After as an
    HTTP date or in seconds)."""

    def __init__(self, script=(), stall_s=1.0, retry_after_s=1):
        self.script, self.stall_s, self.retry_after_s = list(script), stall_s, retry_after_s
        self.requests, self.processed, self.keys = [], Counter(), set()
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                receiver.requests.append({"method": "GET", "path": self.path, "ids": []})
                self.send_response(200)
                self.end_headers()

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.handle(self, body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, handler, body) -> None:
        with self.lock:
            action = self.script.pop(0) if self.script else "accept"
            key = handler.headers.get("Idempotency-Key")
            ids = ids_of(body)
            self.requests.append({"method": "POST", "path": handler.path, "key": key,
                                  "ids": ids, "action": action, "at": time.monotonic()})
            if action in ("accept", "stall") and not (key and key in self.keys):
                self.keys.add(key) if key else None
                self.processed.update(ids)   # honours the key: a copy is dropped
        status, headers = {"accept": (200, {}), "stall": (200, {}),
                           "redirect": (302, {"Location": "/moved"}), "fail": (500, {}),
                           "refuse": (400, {}), "rate-seconds": (429, {
                               "Retry-After": str(self.retry_after_s)}),
                           "rate-date": (429, {"Retry-After": email.utils.formatdate(
                               time.time() + 3600, usegmt=True)})}[action]
        if action == "stall":
            time.sleep(self.stall_s)
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        except OSError:
            pass  # the client gave up (timeout): nothing to answer

    def copies(self) -> Counter:
        """Every alert id in every POST that got through to processing (key ignored)."""
        return Counter(i for r in self.requests if r["method"] == "POST"
                       and r["action"] in ("accept", "stall") for i in r["ids"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def ids_of(body: dict) -> list[str]:
    """The alert ids of one message, whatever its format."""
    if "blocks" in body:
        return [b["block_id"] for b in body["blocks"] if b["type"] == "section"]
    if "attachments" in body:
        return [b["id"] for b in body["attachments"][0]["content"]["body"] if "id" in b]
    return [i["id"] for i in body["items"]]


def item(n: int, segment: str | None = None) -> dict:
    return {"alert_key": f"spike:e{n:03d}", "kind": "spike",
            "segment_key": segment or f"segment:{{\"market\": \"M{n:03d}\"}}",
            "title": f"Spike: M{n:03d}", "observed": 40 + n, "expected": 10.0,
            "since": "2026-03-30", "drivers": [], "link": f"http://localhost:8501/spikes?spike=e{n}"}


@pytest.fixture
def store(tmp_path):
    """A real, empty DuckDB file set up by this code (schema and views)."""
    path = tmp_path / "alerts.duckdb"
    with db.writer(path, derived="keep"):
        pass
    return path


@pytest.fixture
def finds(monkeypatch):
    """What the detectors 'find' this run (a list the test fills)."""
    found: list[dict] = []
    monkeypatch.setattr(alerts.alert_items, "collect", lambda con, since, until: list(found))
    return found


@pytest.fixture
def receiver():
    made = []

    def make(*script, **kw):
        made.append(Receiver(script, **kw))
        return made[-1]

    yield make
    for server in made:
        server.close()


def run(store, hook, **kw):
    options = {"fmt": "generic", "now": NOW, "backoff_s": 0.01, "timeout_s": 2.0} | kw
    return alerts.run(store, hook.url, **options)


def recorded(store) -> dict:
    items, sends = alerts.known_items(store), alerts.sends(store)   # the dataset's app state
    return {"status": dict(zip(items["alert_key"], items["status"])), "sends": sends}


def test_a_redirect_is_a_failure_never_followed_as_a_get(store, finds, receiver):
    finds += [item(1), item(2), item(3), item(4)]
    hook = receiver("redirect")
    result = run(store, hook)
    assert [r["method"] for r in hook.requests] == ["POST"]   # no GET to /moved, no retry
    assert result["sent"] == 0 and result["pending"] == 4 and not hook.processed
    db_state = recorded(store)
    assert set(db_state["status"].values()) == {"pending"}
    error = db_state["sends"]["error"].iloc[0]
    assert "HTTP 302" in error and "not followed" in error
    assert run(store, hook)["sent"] == 4 and sorted(hook.processed.values()) == [1] * 4


def test_a_slack_digest_of_60_goes_in_as_many_messages_as_needed(store, finds, receiver):
    finds += [item(n) for n in range(60)]
    hook = receiver()
    result = run(store, hook, fmt="slack")
    posts = [r for r in hook.requests if r["method"] == "POST"]
    assert hook.processed == Counter({alert_payloads.item_id(i): 1 for i in finds})
    assert all(len(r["ids"]) <= 49 for r in posts)      # + the header: Slack's 50 blocks
    assert result["sent"] == 60 and result["messages"] == len(posts) == 2
    assert set(recorded(store)["status"].values()) == {"sent"}


def test_an_alert_is_recorded_sent_only_when_its_message_was_accepted(store, finds, receiver):
    finds += [item(n) for n in range(60)]
    hook = receiver("accept", "fail", "fail")
    first = run(store, hook, fmt="slack", retries=1)
    assert (first["sent"], first["pending"], first["failed_message"]) == (49, 11, 2)
    status = recorded(store)["status"]
    first_ids = set(hook.requests[0]["ids"])
    for alert in finds:
        expected = "sent" if alert_payloads.item_id(alert) in first_ids else "pending"
        assert status[alert["alert_key"]] == expected
    second = run(store, hook, fmt="slack")
    assert second["sent"] == 11 and set(recorded(store)["status"].values()) == {"sent"}
    assert hook.processed == hook.copies() == Counter(
        {alert_payloads.item_id(i): 1 for i in finds})


def test_teams_and_generic_digests_are_split_within_their_limits():
    many = [item(n) for n in range(250)]
    for fmt, most in (("teams", 20), ("generic", 100), ("slack", 49)):
        messages = alert_payloads.messages(many, fmt)
        assert [i for chunk, _, _ in messages for i in chunk] == many
        assert all(len(chunk) <= most for chunk, _, _ in messages)
        assert all(len(json.dumps(body).encode()) <= alert_payloads.LIMITS[fmt][1]
                   for _, body, _ in messages)
        assert len({key for _, _, key in messages}) == len(messages)
        assert "(part 1 of" in json.dumps(messages[0][1])


def test_a_stalling_receiver_processes_each_alert_once_by_its_key(store, finds, receiver):
    finds += [item(1), item(2)]
    hook = receiver("stall", stall_s=1.0)
    started = time.monotonic()
    result = run(store, hook, timeout_s=0.3, retries=3)
    assert time.monotonic() - started < 5
    posts = [r for r in hook.requests if r["method"] == "POST"]
    assert result["sent"] == 2 and len(posts) == 2      # one timeout, one retry accepted
    assert len({r["key"] for r in posts}) == 1 and posts[0]["key"]
    assert hook.processed == Counter({alert_payloads.item_id(i): 1 for i in finds})  # doubled: 0
    timeouts = sum(a.http_status is None for a in result["attempts"])
    assert timeouts == 1 and max(hook.copies().values()) <= 1 + timeouts  # careless: +1 a timeout
    assert set(recorded(store)["status"].values()) == {"sent"}


def test_retry_after_as_an_http_date_and_in_seconds_is_honoured_and_capped(store, finds,
                                                                         receiver):
    finds += [item(1)]
    hook = receiver("rate-date", "rate-seconds", retry_after_s=1)
    result = run(store, hook, max_wait_s=0.5, retries=3)
    assert result["sent"] == 1 and [a.http_status for a in result["attempts"]] == [429, 429, 200]
    times = [r["at"] for r in hook.requests]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert all(0.45 <= gap < 3.0 for gap in gaps)   # an hour and a second, each capped at 0.5 s
    assert len({r["key"] for r in hook.requests}) == 1


def test_retry_after_forms():
    now = time.time()
    assert alert_send.retry_after_s("120") == 120
    in_a_minute = email.utils.formatdate(now + 60, usegmt=True)
    assert 58 <= alert_send.retry_after_s(in_a_minute, now=now) <= 61
    assert alert_send.retry_after_s(email.utils.formatdate(now - 60, usegmt=True)) == 0
    assert alert_send.retry_after_s("next tuesday") == 0


def test_an_alert_found_during_a_snooze_is_sent_after_it_ends(store, finds, receiver):
    segment = 'segment:{"market": "KZ"}'
    finds += [item(1, segment)]
    hook = receiver()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert run(store, hook, now=now)["sent"] == 1
    alerts.respond(store, finds[0], "snooze", by="tester", snooze=dt.timedelta(days=1))
    finds.append(item(2, segment))                      # arrives while the segment is snoozed
    held = run(store, hook, now=now + dt.timedelta(hours=1))
    assert held["sent"] == 0 and recorded(store)["status"]["spike:e002"] == "snoozed"
    later = run(store, hook, now=now + dt.timedelta(days=2))
    assert later["sent"] == 1 and recorded(store)["status"]["spike:e002"] == "sent"
    assert hook.processed[alert_payloads.item_id(item(2))] == 1
    assert run(store, hook, now=now + dt.timedelta(days=3))["sent"] == 0


def test_a_receiver_always_slower_than_the_timeout_processes_each_alert_once(store, finds,
                                                                            receiver):
    """Every answer comes too late, run after run: the same key each time, so a careful
    receiver processes each alert once; a careless one gets one copy per timed-out attempt."""
    finds += [item(1), item(2)]
    hook = receiver(*["stall"] * 8, stall_s=0.6)
    runs = [run(store, hook, timeout_s=0.2, retries=3) for _ in range(2)]
    assert [r["pending"] for r in runs] == [2, 2] and set(recorded(store)["status"].values()) \
        == {"pending"}
    timeouts = sum(a.http_status is None for r in runs for a in r["attempts"])
    assert timeouts == 8 and len({r["key"] for r in hook.requests}) == 1
    assert hook.processed == Counter({alert_payloads.item_id(i): 1 for i in finds})  # doubled: 0
    assert max(hook.copies().values()) <= timeouts   # careless: at most one copy per timeout
