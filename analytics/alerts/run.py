"""Alert digests to a webhook: new spikes and trends since the last run, each sent once.

One run: read (what the data shows now, what was sent before, people's acks and snoozes) →
`plan` (pure: de-duplicate by alert key, cool-down and snooze per segment, carry undelivered
alerts over) → one POST with retries → record every item and every attempt through the one
writer. An alert that could not be delivered stays `pending` and goes out with the next run;
nothing is dropped silently. A crash between the POST and the record re-sends on the next run
(at least once, never zero times).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from analytics import db
from analytics.alerts import items as alert_items
from analytics.alerts import payloads as alert_payloads
from analytics.alerts import send as alert_send

COOLDOWN = dt.timedelta(days=3)
ITEM_COLUMNS = ["alert_key", "kind", "segment_key", "title", "details", "found_at", "status",
                "sent_at", "attempts", "last_error", "acknowledged_at", "acknowledged_by",
                "snoozed_until"]


def known_items(con) -> pd.DataFrame:
    """Every alert recorded, with acks and snoozes (empty before the tables existed)."""
    try:
        return db.query_df(con, "marts/alert_items")
    except duckdb.CatalogException:
        return pd.DataFrame(columns=ITEM_COLUMNS)


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
    pending = known[(known["status"] == "pending") & ~acknowledged]
    to_send = [_restore(r) for _, r in pending.iterrows()]
    snoozed = {k for k, until in zip(known["segment_key"], known["snoozed_until"])
               if pd.notna(until) and pd.Timestamp(until) > pd.Timestamp(now)}
    sent = known[known["status"] == "sent"]
    recent = set(sent.loc[pd.to_datetime(sent["sent_at"]) > pd.Timestamp(now - cooldown),
                          "segment_key"])
    busy = recent | {i["segment_key"] for i in to_send}
    seen, suppressed = set(known["alert_key"]), []
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


def _record(con, items, status, now, known, *, error=None, sent_at=None, attempts=0) -> None:
    before = dict(zip(known["alert_key"], known["attempts"])) if len(known) else {}
    found_at = dict(zip(known["alert_key"], known["found_at"])) if len(known) else {}
    for item in items:
        db.run_sql(con, "alerts/item_upsert", alert_key=item["alert_key"], kind=item["kind"],
                   segment_key=item["segment_key"], title=item["title"], details=_details(item),
                   found_at=found_at.get(item["alert_key"], now), status=status,
                   sent_at=sent_at, attempts=int(before.get(item["alert_key"], 0) or 0) + attempts,
                   last_error=error)


def run(db_path: Path, webhook: str, *, fmt: str = "generic", since: dt.date | None = None,
        until: dt.date | None = None, now: dt.datetime | None = None, retries: int = 3,
        backoff_s: float = 1.0, cooldown: dt.timedelta = COOLDOWN) -> dict:
    """One alert run; returns counts (found, sent, pending, suppressed) and the attempts."""
    alert_payloads.payload([], fmt)  # an unknown format fails before anything is read
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    db.refresh_if_stale(db_path)  # a file from older code lacks newer views
    with db.reader(db_path) as con:
        found = alert_items.collect(con, since=since, until=until)
        known = known_items(con)
    to_send, suppressed = plan(known, found, now, cooldown)
    attempts = alert_send.post_json(webhook, alert_payloads.payload(to_send, fmt),
                                    retries=retries, backoff_s=backoff_s) if to_send else []
    delivered = bool(attempts) and attempts[-1].ok
    with db.writer(db_path, derived="keep") as con:   # alert records only
        _record(con, to_send, "sent" if delivered else "pending", now, known,
                error=None if delivered or not attempts else attempts[-1].error,
                sent_at=now if delivered else None, attempts=len(attempts))
        for item, reason in suppressed:
            _record(con, [item], "suppressed", now, known, error=reason)
        for attempt in attempts:
            db.run_sql(con, "alerts/send_insert",
                       attempted_at=dt.datetime.fromtimestamp(attempt.at, dt.UTC).replace(tzinfo=None),
                       webhook=alert_send.redacted(webhook), payload=fmt,
                       alert_keys=json.dumps([i["alert_key"] for i in to_send]),
                       attempt=attempt.attempt, http_status=attempt.http_status, ok=attempt.ok,
                       error=attempt.error)
    return {"found": len(found), "sent": len(to_send) if delivered else 0,
            "pending": 0 if delivered else len(to_send), "suppressed": len(suppressed),
            "attempts": attempts}


def respond(db_path: Path, item: dict, action: str, *, by: str = "",
            snooze: dt.timedelta | None = None) -> None:
    """Acknowledge an alert, or snooze its segment, from the inbox (through the one writer)."""
    if action not in ("ack", "snooze"):
        raise ValueError(f"action must be ack or snooze, not {action!r}")
    until = (dt.datetime.now(dt.UTC).replace(tzinfo=None) + (snooze or dt.timedelta(days=1))
             if action == "snooze" else None)
    with db.writer(db_path, derived="keep") as con:   # alert records only
        db.run_sql(con, "alerts/response_insert", segment_key=item["segment_key"],
                   alert_key=item["alert_key"], action=action, snoozed_until=until,
                   responded_by=by or None)
