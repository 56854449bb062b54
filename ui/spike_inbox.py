"""The Spikes page's inbox and the Overview's "open spikes" block.

The inbox is a one-row-select table: a click on a row opens that event (st.dataframe selection
events, no separate select box); the open event is kept in the URL (?spike=...) and its row is
highlighted, whether it was opened by a click or by a link.
"""
from __future__ import annotations

import dataclasses
import functools

import pandas as pd
import streamlit as st

from analytics import kpis
from analytics.views import spikes as spike_views
from analytics.views.words import heading, human
from ui import data
from ui import filters as _filters
from ui import widgets as _ui

OPEN_ROW = "background-color: #dbe9ff; font-weight: 600"   # the event opened below
COLUMNS = {
    "severity": st.column_config.TextColumn("Severity", width="small"),
    "event": st.column_config.TextColumn("Event", width="medium", pinned=True),
    "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=1, format="%.2f"),
    "observed": st.column_config.NumberColumn(
        "Observed", format="localized", help="Cases; for a KPI event, its breaches or seconds"),
    "expected": st.column_config.NumberColumn("Expected", format="localized"),   # 13,341.3
    "excess": st.column_config.NumberColumn("Excess", format="localized"),
    "metric": "Metric", "start": "Start", "end": "End", "verdict": "Verdict"}


def _opened(ids: list[str]) -> None:
    """on_select: the event of the clicked row (its checkbox, or any cell of it) becomes the
    open one; a click that clears the selection keeps the event open."""
    picked = st.session_state["spike_inbox"].selection
    rows = list(picked.rows) + [cell[0] for cell in picked.get("cells", [])]
    if rows and rows[0] < len(ids):
        st.session_state["spike_pick"] = ids[rows[0]]


def highlighted(table: pd.DataFrame, ids: list[str], picked: str):
    """A Styler that paints the open event's row.

    >>> table = pd.DataFrame({"event": ["a", "b"]})
    >>> highlighted(table, ["e1", "e2"], "e2").to_html().count("font-weight: 600")
    1
    """
    marks = [OPEN_ROW if event_id == picked else "" for event_id in ids]
    table = table.reset_index(drop=True)
    if "metric" in table:
        table["metric"] = table["metric"].map(lambda m: spike_views.METRIC_NAMES.get(m, m))
    return table.style.apply(
        lambda row: [marks[row.name]] * len(row), axis=1)


def inbox(events: pd.DataFrame, triage: pd.DataFrame, grain: str) -> str:
    """Draw the inbox and return the open event's id: the clicked row's, else the URL's,
    else the most severe."""
    ids = list(spike_views.names(events))
    wanted = st.query_params.get("spike")
    if wanted in ids and wanted != st.session_state.get("spike_synced"):
        st.session_state["spike_pick"] = wanted   # a link (the Overview's) names another event
    _filters.url_widget_value("spike_pick", "spike", ids, ids[0])
    picked = st.session_state["spike_pick"]
    if picked != st.session_state.get("spike_synced"):   # another event: a blank triage form
        for key in ("triage_verdict", "triage_owner", "triage_note"):
            st.session_state.pop(key, None)
    st.dataframe(highlighted(spike_views.inbox(events, triage, grain), ids, picked),
                 hide_index=True, width="stretch", height=min(35 * (len(ids) + 1) + 3, 318),
                 key="spike_inbox", on_select=functools.partial(_opened, ids),
                 selection_mode=["single-row", "single-cell"], column_config=COLUMNS)
    _filters.sync_url({"spike": picked})
    st.session_state["spike_synced"] = picked
    return picked


def open_spikes(filters, top: int = 3) -> None:
    """Overview: how many spike events in the filters have no verdict yet, and the worst few,
    each a link that opens it on the Spikes page."""
    events = spike_views.untriaged(data.events_within(filters, "day"), data.triage())
    st.subheader(f"Open spikes: {len(events):,}")
    if events.empty:
        st.caption("No spike event without a verdict in these filters and dates.")
        return
    names = spike_views.names(events)
    for row in events.head(top).itertuples():
        st.page_link("ui/pages/spikes.py", query_params={"spike": row.event_id},
                     label=f"{row.severity.capitalize()}: {_ui.plain(names[row.event_id])} — "
                           + observed_words(getattr(row, "metric", "cases"), row.observed,
                                            row.expected))
    more = len(events) - top
    st.caption((f"and {more:,} more; " if more > 0 else "") + "without a verdict, most severe "
               "first. Open the Spikes page to triage them.")



def observed_words(metric: str, observed: float, expected: float) -> str:
    """An event's observed and expected values in its metric's unit: an SLA breach-rate event
    counts breaches and a first-response event is a median time, not 'cases'.

    >>> observed_words("sla_breach_rate", 18, 1.34), observed_words("cases", 152, 5.5)
    ('18 breaches, 1.3 expected', '152 cases, 5.5 expected')
    >>> observed_words("first_response_median_s", 7200, 1800)
    'median first response 2.0 h, 30 min expected'
    """
    if metric == "first_response_median_s":
        return (f"median first response {kpis.format_duration(observed)}, "
                f"{kpis.format_duration(expected)} expected")
    unit = "breaches" if metric == "sla_breach_rate" else "cases"
    return f"{observed:,.0f} {unit}, {expected:,.1f} expected"


def _show_dates(window: tuple) -> None:
    st.session_state["filter_dates"] = window   # a button's callback: before the widget is drawn


def no_events(filters, grain: str) -> None:
    """An empty inbox says whether the data has events outside the chosen dates, and offers
    the 90 days that end at the newest of them (analytics/views/spikes.elsewhere)."""
    every = data.events_within(dataclasses.replace(filters, start=None, end=None), grain)
    found = spike_views.elsewhere(every, filters.first_date)
    if found is None:
        st.info("No spike events for these filters, at any date.")
        return
    start, end = found["window"]
    st.info(f"No spike events from {filters.start} to {filters.end} for these filters. The "
            f"loaded data has {found['count']:,} at other dates, the newest ending "
            f"{found['newest']}.")
    st.button(f"Show {start} to {end}", key="spike_show_dates", on_click=_show_dates,
              args=((start, end),))


# the open event's tables in words (#16 point 11): no `excess_share` or `abuse_category` on screen,
# and in the units of the event's metric: an SLA breach-rate event counts breaches, its drivers
# and examples are its breaches (analytics/spikes/explain.py); a median's parts are in seconds
SHARE = st.column_config.NumberColumn
OBSERVED = {"sla_breach_rate": "Breaches", "first_response_median_s": "Median first response (s)"}
COUNTED = {"sla_breach_rate": "breaches"}   # what the drivers and examples count


def driver_columns(metric: str = "cases") -> dict:
    return {"dimension": "Split by", "value": "Value",
            "event_cases": st.column_config.NumberColumn(
                f"{COUNTED.get(metric, 'cases').capitalize()} in the event", format="localized"),
            "excess_share": SHARE("Share of the excess", format="percent"),
            "usual_share": SHARE("Usual share", format="percent")}


def part_columns(metric: str = "cases") -> dict:
    return {"segment": "Segment", "observed": st.column_config.NumberColumn(
        OBSERVED.get(metric, "Cases"), format="localized"),
        "expected": st.column_config.NumberColumn("Expected", format="%.1f"),
        "excess": st.column_config.NumberColumn("Excess", format="%.1f"),
        "share": SHARE("Share of the excess", format="percent")}


def examples_heading(metric: str, shown: int) -> str:
    if COUNTED.get(metric) == "breaches":
        return f"**Example cases** (the newest {shown} of the segment's SLA breaches during the event)"
    return f"**Example cases** (the newest {shown} of the segment during the event)"


def in_words(drivers: pd.DataFrame) -> pd.DataFrame:
    """The drivers table with its dimensions and values in words.

    >>> said = in_words(pd.DataFrame({"dimension": ["abuse_category"], "value": ["hate_speech"]}))
    >>> said.values.tolist()
    [['Abuse category', 'hate speech']]
    """
    return drivers.assign(dimension=drivers["dimension"].map(heading),
                          value=drivers["value"].map(human))
