"""What an alert digest can say: new spike events and emerging trends, as plain dicts.

Each item carries a stable `alert_key` (de-duplication across runs), a `segment_key` (cool-down
and snooze per segment), the figures (observed vs expected, since when), the drivers and a link
that reopens the view in the app (the app's base URL is the setting ESCALATION_RADAR_BASE_URL).
Only aggregates and masked trend labels: no case text or ids leave through a webhook.
"""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

import pandas as pd

from analytics import settings
from analytics.spikes import explain as spike_explain
from analytics.spikes import triage as spike_db
from analytics.trends import detect as trend_detection


def link(page: str, **query) -> str:
    """A URL that reopens `page` with these query parameters (the app's filters and picks)."""
    base = settings.get("ESCALATION_RADAR_BASE_URL").rstrip("/")
    pairs = [(k, v) for k, values in query.items() if values not in (None, "", [])
             for v in (values if isinstance(values, (list, tuple)) else [values])]
    return f"{base}/{page}" + (f"?{urlencode(pairs)}" if pairs else "")


def _segment_label(segment: dict) -> str:
    return " × ".join(str(v) for v in segment.values()) or "all cases"


METRIC_TITLES = {"cases": "Spike", "sla_breach_rate": "SLA breaches up",
                 "first_response_median_s": "First response slower"}
LOW_TITLES = {"sla_breach_rate": "SLA breaches unusually low",      # KPI events below expected
              "first_response_median_s": "First response unusually fast"}
METRIC_UNITS = {"cases": "cases", "sla_breach_rate": "breaches",
                "first_response_median_s": "s median first response"}


def spike_item(con, event: dict) -> dict:
    segment = dict(event["segment"])
    metric = event.get("metric", "cases")
    low = event.get("direction") == "down" and metric in LOW_TITLES
    # counts and SLA breaches have an excess to share out (spikes/explain.py); a median has none
    drivers = spike_explain.top_drivers(spike_explain.drivers(con, event)) \
        if metric in ("cases", "sla_breach_rate") and not low \
        else pd.DataFrame(columns=["dimension", "value", "excess_share"])
    start = pd.Timestamp(event["start"])
    return {
        "alert_key": f"spike:{event['event_id']}", "kind": "spike",
        # a KPI event cools down apart from the same segment's case-count events
        "segment_key": "segment:" + ("" if metric == "cases" else f"{metric}:")
        + ("down:" if low else "") + json.dumps(segment, sort_keys=True),
        "title": f"{(LOW_TITLES if low else METRIC_TITLES).get(metric, metric)}: "
                 f"{_segment_label(segment)}",
        "severity": event.get("severity"),
        "unit": METRIC_UNITS.get(metric, ""),
        "observed": int(event["observed"]), "expected": round(float(event["expected"]), 1),
        "since": start.date().isoformat(),
        "drivers": [f"{r.dimension} {r.value} ({r.excess_share:.0%} of the excess)"
                    for r in drivers.itertuples()][:4]
        + ([str(event["headline"])] if metric != "cases" and event.get("headline") else []),
        "link": link("spikes", spike=event["event_id"], grain=event.get("grain", "day"),
                     markets=segment.get("market"), categories=segment.get("abuse_category"),
                     **{"from": (start - pd.Timedelta(days=28)).date().isoformat(),
                        "to": pd.Timestamp(event["end"]).date().isoformat()}),
    }


def trend_item(record: dict) -> dict:
    segment = record.get("segment") or {}
    key = json.dumps(segment, sort_keys=True) if segment else f"term:{record['label']}"
    return {
        "alert_key": f"trend:{key}", "kind": "trend",
        "segment_key": ("segment:" + key) if segment else key,
        "title": f"Emerging trend: {record['label']}",
        "observed": int(round(record["observed"])), "expected": round(record["expected"], 1),
        "since": record["since"],
        "drivers": ([f"languages {', '.join(record['languages'])}"] if record["languages"] else [])
        + ([f"found with {', '.join(record['related_terms'][:3])}"]
           if record.get("related_terms") else [])
        + [f"markets {', '.join(record['markets'][:5])}"] * bool(record["markets"]),
        "link": link("trends", markets=record["markets"] if len(record["markets"]) == 1 else None),
    }


def collect(con, *, since: dt.date | None = None, until: dt.date | None = None) -> list[dict]:
    """Spike events ending on or after `since` and the trends listed as of `until` (default:
    the data's last complete day; `since` defaults to 7 days before it)."""
    until = until or trend_detection.default_as_of(con)
    if until is None:
        return []
    since = since or until - dt.timedelta(days=6)
    events = spike_db.daily_events(con, since=since, until=until)
    items = [spike_item(con, row) for row in events.to_dict("records")]
    found = trend_detection.detect_trends(trend_detection.load_cases(con, until), until)
    return items + [trend_item(r) for r in trend_detection.to_records(found)]
