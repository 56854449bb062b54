"""KPI events everywhere (issue #15 point 8): a day whose SLA breach rate jumps is an event of the
daily inbox, and it reaches the alert digest and the Spikes snapshot like a case-count event.
Known answer: 60 days of 30 cases resolved within their SLA, then one day where 25 of 30 breach
(resolved two days later, the day their clock stops)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import db
from analytics.alerts import items
from analytics.ingest import ingest_file
from analytics.snapshots import build as snapshot
from analytics.spikes import triage
from kpi_export import write_cases

BREACH_DAY = 50


def export(path) -> str:
    return write_cases(path, lambda day, k: pd.Timedelta(hours=48 if day == BREACH_DAY and k < 25
                                                         else 2), due_hours=24)


def test_a_breach_rate_jump_reaches_the_inbox_alerts_and_snapshots(tmp_path):
    path = tmp_path / "radar.duckdb"
    ingest_file(export(tmp_path / "cases.csv"), kind="cases", db_path=path)
    day = dt.date(2025, 1, 6) + dt.timedelta(days=BREACH_DAY)
    with db.reader(path) as con:
        events = triage.daily_events(con, since=day - dt.timedelta(days=3), until=day + dt.timedelta(days=5))
        digest = items.collect(con, since=day - dt.timedelta(days=3), until=day + dt.timedelta(days=5))
        built = snapshot.build(con, snapshot.Request("spikes", start=day - dt.timedelta(days=3),
                                                     end=day + dt.timedelta(days=5)))
    breach = events[events["metric"] == "sla_breach_rate"]
    # a breach counts on the day its SLA clock stopped: resolved 48 hours after creation
    assert len(breach) and pd.Timestamp(breach.iloc[0]["start"]).date() == day + dt.timedelta(days=2)
    breach_items = [i for i in digest if i["title"].startswith("SLA breaches up")]
    assert breach_items, [i["title"] for i in digest]
    assert breach_items[0]["unit"] == "breaches" and breach_items[0]["severity"] in ("high", "critical")
    table = next(s.table for s in built.sections if s.name == "spike_events")
    assert "sla_breach_rate" in set(table["metric"])
