"""The Spikes page's shaping of detected events: the inbox, the events' names, one event as a
record, the stretch of its series shown around it, and its top drivers."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.spikes.severity import severities
from analytics.views.periods import default_window
from analytics.views.words import human

INBOX = ["severity", "event", "metric", "start", "end", "observed", "expected", "excess",
         "score", "verdict"]
PARTS = ["segment", "observed", "expected", "excess", "share"]
STAMPS = {"day": "%Y-%m-%d", "hour": "%Y-%m-%d %H:%M"}
PADDING = {"day": pd.Timedelta(days=42), "hour": pd.Timedelta(days=4)}   # before the event
DRIVERS = ["dimension", "value", "event_cases", "excess_share", "usual_share"]
METRIC_NAMES = {"cases": "cases", "sla_breach_rate": "SLA breach rate",
                "first_response_median_s": "median first response"}   # as users say them


def label(segment: dict) -> str:
    """'KZ × scam', or 'all cases' for the whole data; values in words (analytics/views/words.py).

    >>> label({"market": "KZ", "abuse_category": "scam"}), label({})
    ('KZ × scam', 'all cases')
    >>> label({"market": "KZ", "abuse_category": "hate_speech", "source": "user_report"})
    'KZ × hate speech × user report'
    """
    return " × ".join(human(v) for v in segment.values()) or "all cases"


def inbox(events: pd.DataFrame, triage: pd.DataFrame, grain: str) -> pd.DataFrame:
    """One row per event, as the inbox shows it: its severity, its headline (the segment in
    words, and the part driving it), start and end stamped to the grain, and the team's verdict
    ('' where none is recorded)."""
    stamp = STAMPS[grain]
    verdicts = triage.set_index("event_id")["verdict"]
    headlines = events["headline"] if "headline" in events else events["segment"].map(label)
    named = events["severity"] if "severity" in events else severities(events["p_value"])
    return events.assign(
        severity=named, event=headlines.fillna(events["segment"].map(label)),
        start=pd.to_datetime(events["start"]).dt.strftime(stamp),
        end=pd.to_datetime(events["end"]).dt.strftime(stamp),
        verdict=events["event_id"].map(verdicts).astype(object).fillna("") if len(verdicts)
        else "", expected=events["expected"].astype(float).round(1),
        excess=events["excess"].astype(float).round(1))[INBOX]


def components(event: dict) -> pd.DataFrame:
    """The event's parts (its narrower segments with an event of their own), largest first.

    >>> components({"components": [{"segment": {"market": "KZ"}, "observed": 90.0,
    ...                             "expected": 10.0, "excess": 80.0, "share": 0.8}]})
      segment  observed  expected  excess  share
    0      KZ      90.0      10.0    80.0    0.8
    """
    parts = event.get("components")
    if not isinstance(parts, list) or not parts:
        return pd.DataFrame(columns=PARTS)
    return pd.DataFrame(parts).assign(segment=lambda f: f["segment"].map(label))[PARTS]


def names(events: pd.DataFrame) -> dict[str, str]:
    """event_id → 'KZ × scam · 2026-03-02' (with the hour for hourly events, and the metric
    in words when it is not case volume), in the inbox's order.

    >>> events = pd.DataFrame({"event_id": ["a", "b"], "segment": [{"market": "KZ"}, {}],
    ...                        "start": ["2026-03-02", "2026-03-02 14:00"],
    ...                        "metric": ["sla_breach_rate", "cases"]})
    >>> list(names(events).values())
    ['KZ · 2026-03-02 · SLA breach rate', 'all cases · 2026-03-02 14:00']
    """
    return {event_id: f"{label(segment)} · {pd.Timestamp(start):%Y-%m-%d %H:%M}"
            .removesuffix(" 00:00") + ("" if metric == "cases"
                                       else f" · {METRIC_NAMES.get(metric, metric)}")
            for event_id, segment, start, metric
            in zip(events["event_id"], events["segment"], events["start"], events["metric"])}


def record(events: pd.DataFrame, event_id: str) -> dict:
    """One event as a plain dict, its id included."""
    return events.set_index("event_id").loc[event_id].to_dict() | {"event_id": event_id}


def verdict(triage: pd.DataFrame, event_id: str) -> dict | None:
    """The verdict recorded for the event (verdict, owner, note), or None."""
    rows = triage[triage["event_id"] == event_id]
    return rows.iloc[-1].to_dict() if len(rows) else None


def around(series: pd.DataFrame, event: dict, grain: str) -> pd.DataFrame:
    """The buckets of the event's series shown on its chart: six weeks before a daily event
    (four days before an hourly one) and a third of that after."""
    pad = PADDING[grain]
    return series[series["bucket"].between(pd.Timestamp(event["start"]) - pad,
                                           pd.Timestamp(event["end"]) + pad / 3)]


CONSTANT = 0.995   # a dimension whose one value holds this share of the event and of usual


def top_drivers(drivers: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """Per dimension, the `n` values that carry most of the excess (only those that add to it).
    A dimension with one value for (nearly) every case, in the event and usually (the ServiceNow
    sample's source "user report", a language the export never fills), explains nothing and is
    left out; so is one with a single value in the event of a segment with no usual cases (a new
    market: every usual share is 0).

    >>> drivers = pd.DataFrame({"dimension": ["source", "category", "category"],
    ...     "value": ["user report", "phishing", "spam"], "event_cases": [160, 132, 28],
    ...     "excess_share": [1.0, 0.9, 0.1], "usual_share": [1.0, 0.1, 0.9]})
    >>> top_drivers(drivers)["value"].tolist()
    ['phishing', 'spam']
    >>> new = drivers.assign(usual_share=0.0, excess_share=[1.0, 0.82, 0.18])
    >>> top_drivers(new)["value"].tolist()
    ['phishing', 'spam']
    """
    by_dimension = drivers.groupby("dimension", sort=False)
    totals = by_dimension["event_cases"].transform("sum")
    event_share = (drivers["event_cases"] / totals).where(totals > 0, 0.0)
    no_baseline = by_dimension["usual_share"].transform("sum") <= 0     # a new segment
    constant = (event_share >= CONSTANT) & ((drivers["usual_share"] >= CONSTANT) | no_baseline)
    dropped = set(drivers.loc[constant, "dimension"])
    rising = drivers[(drivers["excess_share"] > 0) & ~drivers["dimension"].isin(dropped)]
    return rising.groupby("dimension", sort=False).head(n)[DRIVERS]


def untriaged(events: pd.DataFrame, triage: pd.DataFrame) -> pd.DataFrame:
    """The events nobody has given a verdict yet ("open"), in the events' order (most severe
    first).

    >>> events = pd.DataFrame({"event_id": ["a", "b", "c"]})
    >>> untriaged(events, pd.DataFrame({"event_id": ["b"], "verdict": ["expected"]}))["event_id"].tolist()
    ['a', 'c']
    """
    if events.empty or triage.empty:
        return events
    return events[~events["event_id"].isin(set(triage["event_id"]))]


def elsewhere(every: pd.DataFrame, first_day: dt.date, days: int = 90) -> dict | None:
    """When the chosen dates hold no event but the data has some outside them (the same
    filters, any date): how many, the newest one's end, and the window of `days` days ending
    there (never before the data's first day) that would show it. A log whose tail thins out
    (the ServiceNow sample: 2016's bulk, a sparse tail into 2017) would otherwise open on an
    empty inbox with no hint where its events are.

    >>> every = pd.DataFrame({"start": ["2016-03-01", "2016-05-02"], "end": ["2016-03-02", "2016-05-03"]})
    >>> elsewhere(every, dt.date(2016, 2, 29))
    {'count': 2, 'newest': datetime.date(2016, 5, 3), 'window': (datetime.date(2016, 2, 29), datetime.date(2016, 5, 3))}
    >>> elsewhere(every.iloc[:0], dt.date(2016, 2, 29)) is None
    True
    """
    if every.empty:
        return None
    newest = pd.to_datetime(every["end"]).max().date()
    start, end = default_window(newest, days)
    return {"count": len(every), "newest": newest, "window": (max(start, first_day), end)}
