"""Alert digests to a webhook: new spikes and trends since the last run, each sent once.

One run: read (what the data shows now, what was sent before, people's acks and snoozes) →
`plan` (pure: de-duplicate by alert key, cool-down and snooze per segment, carry undelivered
and snoozed alerts over) → the digest split into as many messages as the target takes, each
POSTed with retries (analytics/alerts/send.py) → each message's alerts recorded `sent` only when
that message was accepted (2xx), in the dataset's app state (analytics/state.py: one small
transaction, the case data untouched), message by message. An alert not
delivered stays `pending` and goes out with the next run; an alert found while its segment is
snoozed is held (`snoozed`) and goes out with the first run after the snooze ends. Nothing is
dropped silently. A timeout or a crash between a POST and its record re-sends that message on
the next attempt or run with the same Idempotency-Key (at least once, never zero times).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from analytics import db
from analytics import state as app_state
from analytics.alerts import items as alert_items
from analytics.alerts import payloads as alert_payloads
from analytics.alerts import send as alert_send

COOLDOWN = dt.timedelta(days=3)


def known_items(source) -> pd.DataFrame:
    """Every alert recorded, with acks and snoozes, from the dataset's app state; `source` is
    the case database's path or a connection reading it."""
    return app_state.read(source, "alert_items")


def sends(source) -> pd.DataFrame:
    """Every delivery attempt, newest first (the Alerts inbox's send log)."""
    return app_state.read(source, "alert_sends")


def _details(item: dict) -> str:
    return json.dumps({k: v for k, v in item.items()
                       if k not in ("alert_key", "kind", "segment_key", "title")}, sort_keys=True)


def _restore(row) -> dict:
    return {"alert_key": row["alert_key"], "kind": row["kind"], "segment_key": row["segment_key"],
            "title": row["title"]} | json.loads(row["details"])


def plan(known: pd.DataFrame, found: list[dict], now: dt.datetime,
         cooldown: dt.timedelta = COOLDOWN) -> tuple[list[dict], list[tuple[dict, str]]]:
    """(to send, [(suppressed item, reason)]) — pure, so the rules are tested directly."""
    acknowledged = known["acknowledged_at"].notna()
    snoozed = {k for k, until in zip(known["segment_key"], known["snoozed_until"])
               if pd.notna(until) and pd.Timestamp(until) > pd.Timestamp(now)}
    waiting = known[known["status"].isin(["pending", "snoozed"]) & ~acknowledged]
    to_send, suppressed = [], []
    for _, row in waiting.iterrows():   # carried over: undelivered, or held by a snooze
        item = _restore(row)
        if row["segment_key"] in snoozed:
            suppressed.append((item, "snoozed"))   # held again: sent once the snooze ends
        else:
            to_send.append(item)
    sent = known[known["status"] == "sent"]
    recent = set(sent.loc[pd.to_datetime(sent["sent_at"]) > pd.Timestamp(now - cooldown),
                          "segment_key"])
    busy = recent | {i["segment_key"] for i in to_send}
    seen = set(known["alert_key"])
    for item in found:
        if item["alert_key"] in seen:
            continue  # de-duplication: reported (or held back) by an earlier run
        seen.add(item["alert_key"])
        if item["segment_key"] in snoozed:
            suppressed.append((item, "snoozed"))
        elif item["segment_key"] in busy:
            suppressed.append((item, "cool-down"))
        else:
            to_send.append(item)
            busy.add(item["segment_key"])
    return to_send, suppressed


def _status(reason: str) -> str:
    """A snoozed alert is held to be sent later; one in a cool-down is not sent at all."""
    return "snoozed" if reason == "snoozed" else "suppressed"


def _record(con, items, status, now, known, *, error=None, sent_at=None, attempts=0) -> None:
    before = dict(zip(known["alert_key"], known["attempts"])) if len(known) else {}
    found_at = dict(zip(known["alert_key"], known["found_at"])) if len(known) else {}
    for item in items:
        app_state.run_sql(con, "alert_item_upsert", alert_key=item["alert_key"], kind=item["kind"],
                   segment_key=item["segment_key"], title=item["title"], details=_details(item),
                   found_at=found_at.get(item["alert_key"], now), status=status,
                   sent_at=sent_at, attempts=int(before.get(item["alert_key"], 0) or 0) + attempts,
                   last_error=error)


def _deliver(db_path: Path, webhook: str, message: tuple, fmt: str, now: dt.datetime,
             known: pd.DataFrame, send_options: dict) -> list:
    """POST one message and record its alerts and attempts at once; the attempts."""
    chunk, body, key = message
    attempts = alert_send.post_json(webhook, body, key=key, **send_options)
    delivered = attempts[-1].ok   # accepted: a 2xx to the POST itself
    with app_state.writer(db_path) as con:
        _record(con, chunk, "sent" if delivered else "pending", now, known,
                error=None if delivered else attempts[-1].error,
                sent_at=now if delivered else None, attempts=len(attempts))
        _log(con, webhook, fmt, chunk, attempts)
    return attempts


def _log(con, webhook: str, fmt: str, chunk: list[dict], attempts: list) -> None:
    for attempt in attempts:
        app_state.run_sql(con, "alert_send_insert",
                   attempted_at=dt.datetime.fromtimestamp(attempt.at, dt.UTC).replace(tzinfo=None),
                   webhook=alert_send.redacted(webhook), payload=fmt,
                   alert_keys=json.dumps([i["alert_key"] for i in chunk]),
                   attempt=attempt.attempt, http_status=attempt.http_status, ok=attempt.ok,
                   error=attempt.error)


def run(db_path: Path, webhook: str, *, fmt: str = "generic", since: dt.date | None = None,
        until: dt.date | None = None, now: dt.datetime | None = None, retries: int = 3,
        backoff_s: float = 1.0, cooldown: dt.timedelta = COOLDOWN,
        timeout_s: float = alert_send.TIMEOUT_S, max_wait_s: float = alert_send.MAX_WAIT_S) -> dict:
    """One alert run; returns counts (found, sent, pending, suppressed, messages) and the
    attempts. Messages go in order; after one fails the rest wait for the next run (the
    receiver is down or refusing: more requests now would only add copies and waits)."""
    alert_payloads.payload([], fmt)  # an unknown format fails before anything is read
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    db.refresh_if_stale(db_path)  # a file from older code lacks newer views
    with db.reader(db_path) as con:
        found = alert_items.collect(con, since=since, until=until)
    known = known_items(db_path)
    to_send, suppressed = plan(known, found, now, cooldown)
    options = {"retries": retries, "backoff_s": backoff_s, "timeout_s": timeout_s,
               "max_wait_s": max_wait_s}
    messages, sent, failed_at = alert_payloads.messages(to_send, fmt), 0, None
    if suppressed:
        with app_state.writer(db_path) as con:
            for item, reason in suppressed:
                _record(con, [item], _status(reason), now, known, error=reason)
    attempts: list = []
    for n, message in enumerate(messages):
        attempts += _deliver(db_path, webhook, message, fmt, now, known, options)
        if not attempts[-1].ok:
            failed_at = n
            break
        sent += len(message[0])
    if failed_at is not None and failed_at + 1 < len(messages):
        with app_state.writer(db_path) as con:   # the rest: pending, for the next run
            _record(con, [i for chunk, _, _ in messages[failed_at + 1:] for i in chunk],
                    "pending", now, known, error=f"not sent: message {failed_at + 1} of "
                    f"{len(messages)} failed first")
    return {"found": len(found), "sent": sent, "pending": len(to_send) - sent,
            "suppressed": len(suppressed), "messages": len(messages),
            "failed_message": None if failed_at is None else failed_at + 1, "attempts": attempts}


def respond(db_path: Path, item: dict, action: str, *, by: str = "",
            snooze: dt.timedelta | None = None) -> None:
    """Acknowledge an alert, or snooze its segment, from the inbox (in the app state)."""
    if action not in ("ack", "snooze"):
        raise ValueError(f"action must be ack or snooze, not {action!r}")
    until = (dt.datetime.now(dt.UTC).replace(tzinfo=None) + (snooze or dt.timedelta(days=1))
             if action == "snooze" else None)
    with app_state.writer(db_path) as con:
        app_state.run_sql(con, "alert_response_insert", segment_key=item["segment_key"],
                   alert_key=item["alert_key"], action=action, snoozed_until=until,
                   responded_by=by or None)
