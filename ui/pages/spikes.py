"""Spikes: an inbox of spike events by severity; one event's chart, drivers, cases and triage."""
import pandas as pd
import streamlit as st

from analytics.spikes import triage as spike_db
from ui import access as _access
from ui import charts, data
from ui import filters as _filters
from ui import widgets as _ui

GRAINS = {"day": "Daily", "hour": "Hourly"}
INBOX = ["metric", "segment", "start", "end", "observed", "expected", "excess", "score", "p_value",
         "verdict"]

filters = st.session_state["filters"]
_filters.url_widget_value("spike_grain", "grain", list(GRAINS), "day")
_ui.page_header("Spikes", "Segments whose case volume rose far above its seasonal baseline "
                "(weekday, hour, holidays), one alert per incident, most severe first.")
grain = st.segmented_control("Buckets", list(GRAINS), key="spike_grain",
                             format_func=GRAINS.get) or "day"
_filters.sync_url({"grain": grain})

events = data.events(grain)
verdicts = data.triage().set_index("event_id")
if len(events):
    seg = events["segment"]
    keep = (pd.to_datetime(events["end"]).dt.date >= filters.start) & \
           (pd.to_datetime(events["start"]).dt.date <= filters.end)
    if filters.markets:
        keep &= seg.map(lambda s: s.get("market") in filters.markets)
    if filters.categories:
        keep &= seg.map(lambda s: s.get("abuse_category") in filters.categories)
    if filters.sources:
        keep &= seg.map(lambda s: s.get("source") in filters.sources)
    events = events[keep].reset_index(drop=True)
if events.empty:
    st.info("No spike events for these filters and dates.")
    st.stop()

labels = events["segment"].map(lambda s: " × ".join(f"{v}" for v in s.values()) or "all cases")
stamp = "%Y-%m-%d" if grain == "day" else "%Y-%m-%d %H:%M"
table = events.assign(segment=labels, start=pd.to_datetime(events["start"]).dt.strftime(stamp),
                      end=pd.to_datetime(events["end"]).dt.strftime(stamp),
                      verdict=events["event_id"].map(verdicts["verdict"]).fillna("")
                      if len(verdicts) else "")
st.dataframe(table[INBOX], hide_index=True, width="stretch", height=260,
             column_config={"score": st.column_config.ProgressColumn("score", min_value=0,
                                                                     max_value=1, format="%.2f"),
                            "expected": st.column_config.NumberColumn(format="%.1f"),
                            "excess": st.column_config.NumberColumn(format="%.1f"),
                            "p_value": st.column_config.NumberColumn(format="%.1e")})
st.caption(f"{len(events)} events. Score 1 = p ≤ 1e-10 under the segment's negative-binomial "
           "baseline; an event is reported once, at the most specific segment explaining most "
           "of the excess. Daily metrics also watch the SLA breach rate (observed and expected "
           "in breaches) and the median first response (in seconds).")

ids = list(events["event_id"])
names = dict(zip(ids, [f"{lab} · {pd.Timestamp(s):%Y-%m-%d %H:%M}".removesuffix(" 00:00")
                       + ("" if m == "cases" else f" · {m}")
                       for lab, s, m in zip(labels, events["start"], events["metric"])]))
_filters.url_widget_value("spike_pick", "spike", ids, ids[0])
picked = st.selectbox("Event", ids, key="spike_pick", format_func=names.get)
_filters.sync_url({"spike": picked})
event = events.set_index("event_id").loc[picked].to_dict() | {"event_id": picked}

st.subheader(names[picked])
window = data.series(event, grain)
pad = pd.Timedelta(days=42) if grain == "day" else pd.Timedelta(days=4)
window = window[window["bucket"].between(pd.Timestamp(event["start"]) - pad,
                                         pd.Timestamp(event["end"]) + pad / 3)]
note = verdicts.loc[picked].to_dict() if picked in verdicts.index else None
note = note if _access.can_see_cases() else None  # a verdict's note is free text
st.plotly_chart(charts.band(window, event, note), key="spike_chart", config=charts.CONFIG)


def show_triage() -> None:
    st.markdown("**Triage**")
    with st.form("spike_triage"):
        verdict = st.radio("Verdict", spike_db.VERDICTS, horizontal=True, key="triage_verdict",
                           format_func=lambda v: v.replace("_", " "))
        owner = st.text_input("Owner", key="triage_owner")
        text = st.text_area("Note", key="triage_note", height=80)
        if st.form_submit_button("Save verdict"):
            data.save_triage(event, verdict=verdict, owner=owner, note=text)
            st.success("Saved.")
            st.rerun()
    if note:
        st.caption(f"Current verdict: {_ui.plain(note['verdict'])} by "
                   f"{_ui.plain(note['owner'] or 'unknown')}: {_ui.plain(note['note'] or '')}")


drivers, examples = data.explain(event)
left, right = st.columns(2)
with left:
    st.markdown("**What drove it** (share of the excess vs usual share)")
    top = drivers[drivers["excess_share"] > 0].groupby("dimension", sort=False).head(3)
    st.dataframe(top[["dimension", "value", "event_cases", "excess_share", "usual_share"]],
                 hide_index=True, width="stretch", key="spike_drivers",
                 column_config={c: st.column_config.NumberColumn(format="percent")
                                for c in ("excess_share", "usual_share")})
with right:
    if _access.can_see_cases():  # triage notes are free text that may name cases
        show_triage()
if _access.can_see_cases():  # partners see aggregates only, never case ids or text
    st.markdown("**Example cases**")
    st.dataframe(examples, hide_index=True, width="stretch", key="spike_examples")
from ui.share import share; share("spikes")  # noqa: E402,E702 (issue 6)
