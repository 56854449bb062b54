"""Alerts: the inbox of alerts sent to the webhook — acknowledge one, or snooze its segment.

Partners see the inbox read-only. An answer is recorded under the signed-in user's e-mail; a
typed name only when sign-in is off (anyone could type any name)."""
import datetime as dt
import json

import streamlit as st

from analytics.alerts import run as alerts
from ui import access as _access
from ui import data
from ui import widgets as _ui

SNOOZES = {"1 day": 1, "3 days": 3, "1 week": 7}

_ui.page_header("Alerts", "Spikes and trends posted by `python -m analytics alert`. Acknowledge "
                "an alert, or snooze its segment so no alert for it is sent for a while.")
if data.is_demo():   # the alert command refuses the demo (analytics/dataset.py)
    st.info("**This is the generated demo dataset: alerts never go out about it** (the alert "
            "command refuses it). To get alerts on your own data, open it: **Use my own data** in "
            "the sidebar (or start the app with `ESCALATION_RADAR_DB=PATH`), load your export on "
            "the Data page, then schedule `python -m analytics alert --db PATH --webhook URL`.",
            icon=":material/notifications_off:")
items = data.state_rows("alert_items")   # the dataset's app state (analytics/state.py)
sends = data.state_rows("alert_sends")
if items.empty:
    st.info("No alerts yet: schedule `python -m analytics alert --webhook URL` (cron).")
    st.stop()

open_items = items[items["acknowledged_at"].isna() & (items["status"] != "suppressed")]
read_only = not _access.can_see_cases()   # partners: no acknowledgement or snooze
shown = items[["found_at", "kind", "title", "status", "sent_at", "attempts", "acknowledged_by",
               "snoozed_until", "last_error"]]
st.dataframe(shown, hide_index=True, key="alert_table", column_config=_ui.headers(shown))
st.caption("pending = not yet delivered (sent with the next run); snoozed = held while its "
           "segment is snoozed (sent when the snooze ends); suppressed = held back by the "
           "segment's cool-down.")


def responder() -> str:
    """Whom an answer is recorded under: the signed-in user, or a typed name without sign-in."""
    if _access.config().require_sign_in:
        email = str(st.user.get("email") or "")
        st.caption(f"Recorded as {_ui.plain(email)}")
        return email
    return st.text_input("Your name", key="alert_who")


if read_only:
    st.caption("Read-only: acknowledging and snoozing are for the Trust & Safety team.")
elif not open_items.empty:
    keys = list(open_items["alert_key"])
    titles = dict(zip(keys, open_items["title"]))
    picked = st.selectbox("Alert", keys, key="alert_pick", format_func=titles.get)
    row = open_items.set_index("alert_key").loc[picked].to_dict() | {"alert_key": picked}
    details = json.loads(row["details"])
    st.markdown(f"**{_ui.plain(row['title'])}** — {details['observed']} cases vs "
                f"{details['expected']} expected since {_ui.plain(details['since'])}")
    st.link_button("Open the view", details["link"])
    who = responder()
    left, right = st.columns(2)
    if left.button("Acknowledge", key="alert_ack"):
        alerts.respond(data.db_path(), row, "ack", by=who)   # app state: no cache to clear
        st.rerun()
    length = right.selectbox("Snooze the segment for", list(SNOOZES), key="alert_snooze_for")
    if right.button("Snooze", key="alert_snooze"):
        alerts.respond(data.db_path(), row, "snooze", by=who,
                       snooze=dt.timedelta(days=SNOOZES[length]))
        st.rerun()

st.subheader("Send log")
st.dataframe(sends, hide_index=True, key="alert_sends", column_config=_ui.headers(sends))
