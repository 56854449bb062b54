"""Spikes: an inbox of spike events by severity; one event's chart, drivers, cases and triage."""
import streamlit as st

from analytics.views import spikes as spike_views
from ui import access as _access
from ui import case_examples as _examples
from ui import charts, data
from ui import filters as _filters
from ui import spike_inbox
from ui import widgets as _ui

GRAINS = {"day": "Daily", "hour": "Hourly"}

filters = st.session_state["filters"]
_filters.url_widget_value("spike_grain", "grain", list(GRAINS), "day")
_ui.page_header("Spikes", "Segments whose case volume rose far above its seasonal baseline "
                "(weekday, hour, holidays), one alert per incident, most severe first.")
grain = st.segmented_control("Buckets", list(GRAINS), key="spike_grain",
                             format_func=GRAINS.get) or "day"
_filters.sync_url({"grain": grain})

events = data.events_within(filters, grain)
triage = data.triage()
if grain == "hour" and not data.has_time_of_day():
    st.info("No hourly view: the loaded exports carry dates without times of day, so cases "
            "cannot be counted by hour. Daily spikes are unaffected.")
    st.stop()
if events.empty:
    spike_inbox.no_events(filters, grain)
    st.stop()

picked = spike_inbox.inbox(events, triage, grain)   # a click on a row opens its event
st.caption(f"{len(events):,} event{'s' if len(events) != 1 else ''}, most severe first; click "
           "a row to open it below. Severity: critical p ≤ 1e-9, high ≤ 1e-6, medium ≤ 5e-5 "
           "under the segment's baseline; an event is reported once, at the most specific "
           "segment explaining most of the excess, naming its parts. Daily metrics also watch the "
           "SLA breach rate (in breaches) and the median first response (in seconds).")
names = spike_views.names(events)
event = spike_views.record(events, picked)
metric = event.get("metric", "cases")

st.subheader(names[picked])
note = spike_views.verdict(triage, picked) if _access.can_see_cases() else None  # free text
window = spike_views.around(data.series(event, grain), event, grain)
st.plotly_chart(charts.band(window, event, note), key="spike_chart", config=charts.CONFIG)

parts = spike_views.components(event)
if len(parts):
    st.markdown("**Its parts** (narrower segments anomalous on their own; share of the excess)")
    st.dataframe(parts, hide_index=True, width="stretch", key="spike_parts",
                 column_config=spike_inbox.part_columns(metric))
drivers, examples = data.explain(event)
left, right = st.columns(2)
with left:
    st.markdown("**What drove it** (share of the excess vs usual share)")
    st.dataframe(spike_inbox.in_words(spike_views.top_drivers(drivers)), hide_index=True,
                 width="stretch", key="spike_drivers",
                 column_config=spike_inbox.driver_columns(metric))
with right:
    if _access.can_see_cases():  # triage notes are free text that may name cases
        _ui.triage_form(event, note)
if _access.can_see_cases():  # partners see aggregates only, never case ids or text
    st.markdown(spike_inbox.examples_heading(metric, len(examples)))
    _examples.show(examples, empty="No cases of this segment during the event.")
from ui.share import share; share("spikes")  # noqa: E402,E702 (issue 6)
