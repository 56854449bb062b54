"""Snapshots of the Spikes and Trends pages: events and trends as aggregates, small counts hidden.

An event's or trend's observed count is a published sum, so its excess and growth (which give
observed back from the published expected) are hidden with it, and the days of its chart are
protected together with that sum. Example cases appear only when the request asks for them
(internal audiences), with phones, e-mails and IINs masked even then.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics import filtering, privacy
from analytics.snapshots.model import Request, Section, Snapshot
from analytics.snapshots.parts import as_of, lines, protect_with_sum, window
from analytics.spikes import explain as spike_explain
from analytics.spikes import triage as spike_db
from analytics.text.terms import mask_pii, public_term
from analytics.trends import detect as trend_detection
from analytics.views.spikes import label as _label


def in_request(events: pd.DataFrame, request: Request) -> pd.DataFrame:
    """The events inside the request's market, category and source filters."""
    return filtering.events_within(events, markets=request.markets,
                                   categories=request.categories, sources=request.sources)


def _direction(events: pd.DataFrame) -> pd.Series:
    """'up' or 'down' per event: KPI events alert both ways (analytics/spikes/kpi_series.py), a
    case-count event is a rise."""
    if "direction" not in events:
        return pd.Series("up", index=events.index)
    return events["direction"].astype(object).where(events["direction"].notna(), "up")


def _observed_columns(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """observed below k → '<k', and excess/growth hidden with it (they would give it back)."""
    small = frame["observed"] < k
    out = frame.copy()
    for column in [c for c in ("excess", "growth") if c in out]:
        out[column] = out[column].round(1).astype(object).where(~small, privacy.HIDDEN)
    out["observed"] = out["observed"].astype(object).where(~small, privacy.small_label(k))
    return out


def _event_chart(scored: pd.DataFrame, event: dict, k: int):
    rows = filtering.segment_rows(scored, event["segment"])
    start, end = pd.Timestamp(event["start"]), pd.Timestamp(event["end"])
    rows = rows[rows["bucket"].between(start - pd.Timedelta(days=42), end + pd.Timedelta(days=14))]
    inside = rows["bucket"].between(start, end).to_numpy()
    shown = rows.assign(observed=protect_with_sum(rows["cases"].to_numpy(), inside, k))
    data = shown[["bucket", "observed", "expected"]].rename(columns={"bucket": "date"})
    return data, lines(data, "date", ["observed", "expected"], title=f"{_label(event['segment'])}:"
                       " cases per day against the expected", y_title="Cases", dashed=("expected",))


def _examples(frame: pd.DataFrame) -> Section:
    keep = [c for c in ("case_id", "created_date", "market", "language", "abuse_category",
                        "summary") if c in frame]
    shown = frame[keep].assign(summary=frame["summary"].fillna("").map(mask_pii)) \
        if "summary" in frame else frame[keep]
    return Section("example_cases", "Example cases (internal: included on request)",
                   "Case text is shown because this snapshot was made with example cases "
                   "included. Phones, e-mails and IINs are masked.", shown, shown)


def spikes(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    start, end, fresh = window(con, request)
    scored, _ = spike_db.detect(con, grain="day", since=start, until=end)
    events = in_request(spike_db.daily_events(con, since=start, until=end), request)
    verdicts = spike_db.triage(con).set_index("event_id")["verdict"]
    table = pd.DataFrame({
        "segment": events["segment"].map(_label), "metric": events["metric"],
        "direction": _direction(events),
        "start": pd.to_datetime(events["start"]).dt.date,
        "end": pd.to_datetime(events["end"]).dt.date, "observed": events["observed"],
        "expected": events["expected"].round(1), "excess": events["excess"],
        "score": events["score"].round(2),
        "verdict": events["event_id"].map(verdicts).astype(object).fillna("not triaged")}) \
        if len(events) else pd.DataFrame(columns=["segment", "start", "end", "observed"])
    published = _observed_columns(table, k) if len(table) else table
    sections = [Section("spike_events", "Spike events", "One row per incident, most severe "
                        "first; verdicts are the team's triage.", published, published)]
    picked = request.selection.get("spike")
    counted = events[events["metric"] == "cases"] if len(events) else events   # charted in cases
    if len(counted):
        row = counted[counted["event_id"] == picked] if picked in set(counted["event_id"]) \
            else counted.sort_values("score", ascending=False).head(1)
        event = row.iloc[0].to_dict()
        data, figure = _event_chart(scored, event, k)
        sections.append(Section("spike_chart", f"Selected event: {_label(event['segment'])} "
                                f"from {pd.Timestamp(event['start']):%Y-%m-%d}", "Gaps: days "
                                "below the threshold.", None, data, figure))
        sections.append(_drivers(con, event, k))
        if request.include_examples:
            sections.append(_examples(spike_explain.examples(con, event)))
    return Snapshot(request, "Spikes", f"events ending {start:%Y-%m-%d} to {end:%Y-%m-%d}",
                    as_of(fresh), sections, ["cases"])


def _drivers(con, event: dict, k: int) -> Section:
    """Per dimension, the event's cases by value (protected with the event total) and shares."""
    table = spike_explain.drivers(con, event)
    parts = []
    for dimension, rows in table.groupby("dimension", sort=False):
        values = rows["event_cases"].to_numpy(float)
        hidden = np.isnan(protect_with_sum(values, np.ones(len(values), bool), k))
        parts.append(rows.assign(event_cases=np.where(hidden, np.nan, values)).head(5))
    shown = pd.concat(parts) if parts else table
    shown = shown[["dimension", "value", "event_cases", "excess_share", "usual_share"]]
    shown = shown.assign(excess_share=shown["excess_share"].round(3),
                         usual_share=shown["usual_share"].round(3))
    display = shown.assign(event_cases=shown["event_cases"].map(
        lambda v: privacy.HIDDEN if pd.isna(v) else f"{v:,.0f}"))
    return Section("spike_drivers", "What drove it (share of the excess vs usual share)",
                   f"Top values per dimension; counts below {k} and their complements are "
                   "not published.", display, shown)


def trends_of(con, as_of_day: dt.date, request: Request) -> tuple[list[dict], pd.DataFrame]:
    """(partner-safe trend records of the request's markets, the cases they were found in)."""
    cases = trend_detection.load_cases(con, as_of_day)
    found = trend_detection.to_records(trend_detection.detect_trends(cases, as_of_day))
    if request.markets:
        found = [r for r in found if set(r["markets"]) & set(request.markets)]
    return public_trends(found, privacy.threshold()), cases


def public_trends(found: list[dict], k: int) -> list[dict]:
    """Trend records as partners may see them: a term seen in fewer than `k` cases left out
    (a rare term can point at one person), every term cut to what `public_term` publishes
    (a URL's registrable domain, never its path, query or a handle in it), ranks renumbered."""
    kept = [r for r in found if r["kind"] != "term" or r["observed"] >= k]
    out = []
    for rank, record in enumerate(kept, 1):
        public = {key: public_term(record[key]) for key in ("label", "term")
                  if record["kind"] == "term" and record.get(key)}
        related = list(dict.fromkeys(public_term(t) for t in record["related_terms"]))
        out.append(record | public | {"rank": rank, "related_terms": related})
    return out


def trends_table(found: list[dict], k: int) -> pd.DataFrame:
    frame = pd.DataFrame([{"rank": r["rank"], "kind": r["kind"], "trend": r["label"],
                           "markets": ", ".join(r["markets"]), "languages": ", ".join(r["languages"]),
                           "since": r["since"], "observed": r["observed"],
                           "expected": r["expected"], "excess": r["excess"],
                           "growth": r["growth"], "pattern": r["pattern"]} for r in found])
    return _observed_columns(frame, k) if len(frame) else frame


def trends(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    _, end, fresh = window(con, request)
    day = dt.date.fromisoformat(request.selection["as_of"]) if request.selection.get("as_of") \
        else end
    found, cases = trends_of(con, day, request)
    table = trends_table(found, k)
    sections = [Section("trends", f"Emerging trends as of {day:%Y-%m-%d}", "Growth = cases / "
                        "expected over the window tested; person-identifying terms masked.",
                        table, table)]
    if found:
        days = pd.date_range(end=pd.Timestamp(day), periods=len(found[0]["sparkline"]))
        chart = pd.DataFrame({"date": days})
        for record in found[:5]:
            values = np.asarray(record["sparkline"], float)
            window_mask = np.arange(len(values)) >= len(values) - record["window_days"]
            chart[f"#{record['rank']} {record['label']}"] = protect_with_sum(values, window_mask, k)
        sections.append(Section("trend_lines", "The top trends, cases per day (last 28 days)",
                                "Gaps: days below the threshold.", None, chart,
                                lines(chart, "date", list(chart.columns[1:]),
                                      title="Top trends: cases per day", y_title="Cases")))
        if request.include_examples:
            ids = [i for r in found[:5] for i in r["examples"]]
            sections.append(_examples(cases[cases["case_id"].isin(ids)]))
    return Snapshot(request, "Trends" + (f": {', '.join(request.markets)}" if request.markets
                                         else ""), f"as of {day:%Y-%m-%d}", as_of(fresh),
                    sections, ["cases"])
