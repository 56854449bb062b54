"""Snapshots of the Vendors page and the weekly business review (the Monday document).

The weekly review: the last complete week (Monday to Sunday, market-local) — every KPI week on
week and year on year, the spike events of the week with their triage verdicts, the trends as of
the week's last day, and vendor status. Reviewer ids never appear: the vendor report is read at
vendor level only.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import db, kpis, privacy, views
from analytics.snapshots.detections import (
    _direction,
    _label,
    _observed_columns,
    in_request,
    trends_of,
    trends_table,
)
from analytics.snapshots.model import Request, Section, Snapshot
from analytics.snapshots.pages import TILES
from analytics.snapshots.parts import (
    as_of,
    change_columns,
    kpi_compare,
    last_complete,
    params,
    window,
)
from analytics.spikes import triage as spike_db
from analytics.vendors import report as vendor_report

STATUS = {"green": "on target", "amber": "amber", "red": "red", "none": "no target"}


def _vendor_sections(con, request: Request, fresh: dict, k: int) -> list[Section]:
    report = vendor_report.build_report(vendor_report.query_with(con), "week",
                                        markets=list(request.markets) or None,
                                        newest_at=as_of(fresh))
    if report.current is None:
        return [Section("vendors", "Vendor status", "No vendor reviews are loaded.")]
    card = report.scorecard
    card = card[card["kpi"].isin(kpis.KPIS)]
    small = card["kpi"].map(lambda n: kpis.KPIS[n].unit == "count") & (card["value"] < k) \
        & (card["value"] > 0)
    text = [privacy.small_label(k) if hidden else f"{kpis.format_value(n, v)} ({STATUS.get(s, s)})"
            for n, v, s, hidden in zip(card["kpi"], card["value"], card["status"], small)]
    shown = card.assign(text=text).pivot_table(index="kpi", columns="vendor", values="text",
                                               aggfunc="first")
    shown.index = [kpis.KPIS[n].label for n in shown.index]
    data = card.assign(value=card["value"].mask(small))[["vendor", "kpi", "value", "target",
                                                         "status"]]
    attention = report.attention
    focus = pd.DataFrame({
        "vendor": attention["vendor"], "KPI": attention["kpi"].map(lambda n: kpis.KPIS[n].label),
        "status": attention["status"], "value": [kpis.format_value(n, v) for n, v in
                                                 zip(attention["kpi"], attention["value"])],
        "target": [kpis.format_value(n, v) for n, v in zip(attention["kpi"], attention["target"])],
        "off target since": attention["off_since"], "weeks off": attention["periods_off"]})
    return [Section("vendor_scorecard", f"Vendor scorecard, week starting {report.current:%Y-%m-%d}",
                    "Value (status against data/vendor_targets.toml).",
                    shown.rename_axis("KPI").reset_index(), data),
            Section("vendor_attention", "What needs attention", "Off-target vendor KPIs, worst "
                    "first (how far off × weeks in a row).", focus, focus)]


def vendors(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    _, _, fresh = window(con, request)
    sections = _vendor_sections(con, request, fresh, k)
    return Snapshot(request, "Vendors", "latest complete week", as_of(fresh), sections,
                    list(dict.fromkeys(kpis.KPIS[n].name for n in kpis.KPIS
                                       if n.startswith(("vendor_", "handle_time", "qa_",
                                                        "decisions")))))


def _week_rows(con, request: Request, week: dt.date, fresh: dict) -> dict[str, dict]:
    weeks = {"this week": week, "week before": week - dt.timedelta(days=7),
             "a year before": week - dt.timedelta(days=364)}  # 52 weeks: same weekday
    out = {}
    for label, start in weeks.items():
        end = start + dt.timedelta(days=6)
        out[label] = db.query_df(con, "marts/kpi_summary", **params(request, start, end),
                                 as_of=as_of(fresh, end)).iloc[0].to_dict()
    return out


def _week_spikes(con, request: Request, week: dt.date, k: int) -> Section:
    end = week + dt.timedelta(days=6)
    events = in_request(spike_db.daily_events(con, since=week, until=end), request)
    verdicts = spike_db.triage(con).set_index("event_id")["verdict"]
    table = pd.DataFrame({"segment": events["segment"].map(_label), "metric": events["metric"],
                          "direction": _direction(events),
                          "start": pd.to_datetime(events["start"]).dt.date,
                          "observed": events["observed"], "expected": events["expected"].round(1),
                          "excess": events["excess"].round(1),
                          "verdict": events["event_id"].map(verdicts).fillna("not triaged")}) \
        if len(events) else pd.DataFrame(columns=["segment", "start", "observed", "verdict"])
    table = _observed_columns(table, k) if len(table) else table
    return Section("week_spikes", "Spikes of the week, with triage verdicts", "", table, table)


def weekly_review(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    _, end, fresh = window(con, request)
    complete = min(end, last_complete(fresh) or end)
    week = views.last_complete_week(complete)
    rows = _week_rows(con, request, week, fresh)
    display, data = kpi_compare(TILES, rows, k)
    change_columns(display, data, "this week", "week before", "week on week")
    change_columns(display, data, "this week", "a year before", "year on year")
    found, _ = trends_of(con, week + dt.timedelta(days=6), request)
    table = trends_table(found[:10], k)
    sections = [Section("week_kpis", "Every KPI: week on week and year on year",
                        f"Year before: the week starting {week - dt.timedelta(days=364):%Y-%m-%d}"
                        " (52 weeks earlier, same weekdays). n/a: not in the loaded data.",
                        display, data),
                _week_spikes(con, request, week, k),
                Section("week_trends", f"Emerging trends as of {week + dt.timedelta(days=6):%Y-%m-%d}",
                        "The ten strongest; person-identifying terms masked.", table, table),
                *_vendor_sections(con, request, fresh, k)]
    return Snapshot(request, f"Weekly business review: week of {week:%Y-%m-%d}",
                    f"{week:%Y-%m-%d} to {week + dt.timedelta(days=6):%Y-%m-%d} (market-local)",
                    as_of(fresh), sections, TILES)

