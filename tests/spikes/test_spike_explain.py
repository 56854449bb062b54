"""What drove a spike, counted in the event's own units (analytics/spikes/explain.py).

An SLA breach-rate event's observed and expected values are breaches; its drivers and example
cases must be those breaches (cases whose clock stopped during the event past their SLA), not
the cases created on the event's days. Known answer: 60 quiet days of 10 KZ cases a day, half
vendor A and half vendor B, resolved within the hour; on the last day 20 older
cases of vendor B are resolved long past their SLA. Before it, one case a day breaches, of vendor
A and B in turn. The last day's breaches are vendor B's, 20 of 20."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import db
from analytics.ingest import ingest_file
from analytics.spikes import explain

DAY0 = dt.datetime(2026, 1, 1, 6, 0)
LAST = DAY0 + dt.timedelta(days=59)


def _log() -> pd.DataFrame:
    rows = []
    for day in range(60):
        for k in range(10):
            created = DAY0 + dt.timedelta(days=day, minutes=30 * k)
            rows.append({"case_id": f"Q{day}-{k}", "created_at": created,
                         "resolved_at": created + dt.timedelta(hours=1), "status": "closed",
                         "sla_due_at": created + dt.timedelta(
                             minutes=30 if day < 59 and k == day % 2 else 24 * 60),
                         "vendor": "A" if k % 2 else "B"})
    for k in range(20):   # opened on days 30..49, all resolved late on the last day
        created = DAY0 + dt.timedelta(days=30 + k, hours=1)
        rows.append({"case_id": f"L{k}", "created_at": created, "status": "closed",
                     "resolved_at": LAST + dt.timedelta(hours=3),
                     "sla_due_at": created + dt.timedelta(hours=24), "vendor": "B"})
    frame = pd.DataFrame(rows)
    frame["market"], frame["abuse_category"], frame["source"] = "KZ", "scam", "user_report"
    frame["priority"] = "P2"
    for column in ("created_at", "resolved_at", "sla_due_at"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame


def test_an_sla_breach_event_is_explained_by_its_breaches(tmp_path):
    source, path = tmp_path / "cases.csv", tmp_path / "db.duckdb"
    _log().to_csv(source, index=False)
    ingest_file(source, kind="cases", db_path=path)
    event = {"metric": "sla_breach_rate", "segment": {"market": "KZ"},
             "start": LAST.strftime("%Y-%m-%d"), "end": LAST.strftime("%Y-%m-%d"),
             "expected": 0.0, "excess": 20.0}
    with db.reader(path) as con:
        drivers = explain.drivers(con, event)
        examples = explain.examples(con, event, limit=50)
    vendors = drivers[drivers["dimension"] == "vendor"].set_index("value")
    assert vendors["event_cases"].get("B") == 20 and vendors["event_cases"].get("A", 0) == 0
    assert vendors.loc["B", "excess_share"] == 1.0
    assert sorted(examples["case_id"]) == sorted(f"L{k}" for k in range(20))

    # the same day as a case-count event is explained by the cases created that day
    counted = event | {"metric": "cases", "excess": 0.0}
    with db.reader(path) as con:
        created = explain.drivers(con, counted)
        examples = explain.examples(con, counted, limit=50)
    vendors = created[created["dimension"] == "vendor"].set_index("value")["event_cases"]
    assert vendors.to_dict() == {"A": 5, "B": 5}
    assert sorted(examples["case_id"]) == sorted(f"Q59-{k}" for k in range(10))


def test_an_sla_breach_alert_names_the_breaches_driver(tmp_path):
    """The alert digest's item for the same event says which vendor drove the breaches (it
    listed no drivers for KPI events: they were the day's created cases, not the breaches)."""
    from analytics.alerts import items

    source, path = tmp_path / "cases.csv", tmp_path / "db.duckdb"
    _log().to_csv(source, index=False)
    ingest_file(source, kind="cases", db_path=path)
    event = {"event_id": "e1", "metric": "sla_breach_rate", "direction": "up",
             "segment": {"market": "KZ"}, "start": LAST.strftime("%Y-%m-%d"),
             "end": LAST.strftime("%Y-%m-%d"), "observed": 20, "expected": 0.0, "excess": 20.0,
             "severity": "critical", "headline": "KZ: SLA breach rate up"}
    with db.reader(path) as con:
        item = items.spike_item(con, event)
    assert item["title"] == "SLA breaches up: KZ"
    assert "vendor B (100% of the excess)" in item["drivers"], item["drivers"]
