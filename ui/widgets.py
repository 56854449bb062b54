"""Small pieces every page uses: the header with data freshness, KPI tiles, definitions.

Text that came from the data (markets, categories, summaries) is only ever shown through
plain widgets or `plain()`, never as HTML.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from analytics import freshness, kpis, views
from analytics.spikes import triage as spike_triage
from analytics.views.words import heading, human
from ui import data

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def headers(frame: pd.DataFrame, config: dict | None = None) -> dict:
    """A column_config naming every column of `frame` in words ('abuse_category' as 'Abuse
    category'), with `config`'s own entries kept.

    >>> headers(pd.DataFrame(columns=["abuse_category", "case_id"]), {"case_id": "Case"})
    {'abuse_category': 'Abuse category', 'case_id': 'Case'}
    """
    return {c: heading(c) for c in frame.columns} | (config or {})


def plain(text) -> str:
    """`text` with Markdown and HTML characters escaped, for use inside st.markdown/caption."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def _stamp(value, format: str = "%Y-%m-%d %H:%M UTC", missing: str = "none yet") -> str:
    return missing if value is None or pd.isna(value) else pd.Timestamp(value).strftime(format)


def freshness_line(fresh: dict) -> str:
    """'Newest case …, last ingest …, complete through …' for the top of every page. A log
    ingested well after its newest case (a historic export) ends there: its last day is cut
    where the export ends, and nothing is said to be still arriving.

    >>> fresh = {"newest_created_at": pd.Timestamp("2016-06-01 09:00"),
    ...          "last_ingest_at": pd.Timestamp("2026-12-07 20:00"),
    ...          "last_complete_date": pd.Timestamp("2016-05-31")}
    >>> freshness_line(fresh).split(" · ")[-1]
    'complete through 2016-05-31 (market-local dates); the data ends there: ingested 3841 days after its newest case, so no later days are expected'
    >>> freshness_line(fresh | {"last_ingest_at": pd.Timestamp("2016-06-01 10:00")}).split("; ")[-1]
    'later days are still arriving'
    """
    complete = fresh.get("last_complete_date")
    complete_text = ""
    if complete is not None and not pd.isna(complete):
        lag = freshness.historic_lag(fresh)
        later = (f"the data ends there: ingested {lag.days} days after its newest case, so no "
                 "later days are expected" if lag is not None else "later days are still arriving")
        complete_text = (f" · complete through {pd.Timestamp(complete):%Y-%m-%d} "
                         f"(market-local dates); {later}")
    return (f"Data freshness: newest case {_stamp(fresh.get('newest_created_at'))} · "
            f"last ingest {_stamp(fresh.get('last_ingest_at'))}{complete_text}")


def page_header(title: str, intro: str) -> dict:
    """Title, one line of purpose, and the data freshness; returns the freshness row."""
    st.title(title)
    fresh = data.freshness()
    st.caption(f"{intro}  \n{freshness_line(fresh)}")
    return fresh


last_complete = freshness.last_complete   # the last day no longer receiving cases


def axis(name: str) -> tuple[float, str]:
    """How to plot a KPI: the factor its values are multiplied by and the axis title
    (durations in hours rather than seconds)."""
    kpi = kpis.KPIS[name]
    if kpi.unit == "seconds":
        return 1 / 3600, f"{kpi.label}, hours"
    return 1.0, kpi.label + (", %" if kpi.unit == "pct" else "")


def freshness_tiles(fresh: dict) -> None:
    """The Data page's tiles: newest case, last ingest, complete through, cases and reviews."""
    cells = st.columns(3)
    cells[0].metric("Newest case created (UTC)",
                    _stamp(fresh.get("newest_created_at"), "%Y-%m-%d %H:%M"), border=True)
    cells[1].metric("Last ingest (UTC)", _stamp(fresh.get("last_ingest_at"), "%Y-%m-%d %H:%M"),
                    border=True)
    cells[2].metric("Complete through", _stamp(fresh.get("last_complete_date"), "%Y-%m-%d", "n/a"),
                    border=True, help="The last market-local day that no longer receives new "
                    "cases; later days are marked incomplete on every chart.")
    cells = st.columns(3)
    cells[0].metric("Cases", f"{int(fresh.get('case_count') or 0):,}", border=True)
    cells[1].metric("Vendor reviews", f"{int(fresh.get('review_count') or 0):,}", border=True)


def last_complete_week(fresh: dict) -> dt.date | None:
    """Monday of the last whole week that is complete (for weekly charts)."""
    complete = last_complete(fresh)
    return complete and views.last_complete_week(complete)


def define(*names: str) -> None:
    """One caption line per KPI: its label and definition (shown under every chart)."""
    st.caption("  \n".join(f"**{kpis.KPIS[n].label}**: {kpis.KPIS[n].definition}"
                           for n in names))


def _delta(name: str, current, previous) -> tuple[str | None, str]:
    """The change as tile text ('+2.1 pp', '-12 min (-8%)') and its colour (green = good)."""
    absolute, percent = kpis.change(current, previous)
    if absolute is None:
        return None, "off"
    sign = "-" if absolute < 0 else "+"
    if kpis.KPIS[name].unit == "pct":
        text = f"{sign}{abs(absolute):.1f} pp"
    else:
        text = sign + kpis.format_value(name, abs(absolute))
        text += "" if percent is None else f" ({percent:+.0f}%)"
    good = kpis.change_is_good(name, absolute)
    color = "gray" if good is None else ("green" if good else "red")
    return text, color


NO_EARLIER_DATA = "no earlier data"


def kpi_tiles(names: list[str], current: dict, previous: dict | None, per_row: int = 4) -> None:
    """A row of st.metric tiles; each has its definition as help and its change vs before.
    `previous` None: the period before is not (wholly) in the loaded data, so each tile says
    "no earlier data" instead of a change against an empty or partial period."""
    for start in range(0, len(names), per_row):
        for column, name in zip(st.columns(per_row), names[start:start + per_row]):
            kpi = kpis.KPIS[name]
            if previous is None:
                delta, color, arrow = NO_EARLIER_DATA, "off", "off"
            else:
                delta, color = _delta(name, current.get(name), previous.get(name))
                arrow = "auto"
            column.metric(kpi.label, kpis.format_value(name, current.get(name)), delta=delta,
                          delta_color=color, delta_arrow=arrow, help=kpi.definition,
                          border=True)


def comparison_note(previous: dict | None, start, end) -> str:
    """The caption under the tiles: what the changes compare with, or why there are none."""
    if previous is None:
        return (f"No changes shown: the loaded data does not cover all of {start:%Y-%m-%d} to "
                f"{end:%Y-%m-%d}, the period of equal length before, so a change against it "
                "would be against missing days.")
    return (f"Changes compare with {start:%Y-%m-%d} to {end:%Y-%m-%d}, the period of equal "
            "length before.")


def missing_note(row: dict, names: list[str]) -> None:
    """Say in words which KPIs the loaded data cannot answer (their columns are empty)."""
    missing = [kpis.KPIS[n].label for n in names if row.get(n) is None or pd.isna(row.get(n))]
    if missing:
        st.info("Not in the loaded data for this selection, so shown as n/a: "
                + ", ".join(missing) + ". Load an export with those columns on the Data page.")


def kpi_table(rows: pd.DataFrame, label: str, names: list[str], key: str) -> None:
    """A table of segments × KPIs, headed by KPI labels; durations shown in hours. A KPI with
    no value in any row is left out (the tiles' note names what the data lacks): a column of
    'None' on every row reads as broken."""
    shown = pd.DataFrame({label: rows["segment"]})
    config = {label: heading(label)}
    for name in [n for n in names if rows[n].notna().any()]:
        kpi = kpis.KPIS[name]
        if kpi.unit == "seconds":
            shown[name] = rows[name] / 3600
            config[name] = st.column_config.NumberColumn(f"{kpi.label}, h", format="%.1f",
                                                         help=kpi.definition)
        else:
            shown[name] = rows[name]
            config[name] = st.column_config.NumberColumn(
                kpi.label + (", %" if kpi.unit == "pct" else ""), help=kpi.definition,
                format="%.1f" if kpi.unit == "pct" else "localized")
    st.dataframe(shown, hide_index=True, key=key, column_config=config)


def triage_form(event: dict, note: dict | None) -> None:
    """The Spikes page's triage: record a verdict, owner and note for `event`, and show the
    current one (`note`)."""
    st.markdown("**Triage**")
    with st.form("spike_triage"):
        verdict = st.radio("Verdict", spike_triage.VERDICTS, horizontal=True, key="triage_verdict",
                           format_func=human, index=None)  # none preset
        owner = st.text_input("Owner", key="triage_owner")
        text = st.text_area("Note", key="triage_note", height=80)
        submitted = st.form_submit_button("Save verdict")
        if submitted and verdict is None:
            st.warning("Pick a verdict first: nothing was saved.")
        elif submitted:
            data.save_triage(event, verdict=verdict, owner=owner, note=text)
            st.success("Saved.")
            st.rerun()
    if note:
        st.caption(f"Current verdict: {plain(note['verdict'])} by "
                   f"{plain(note['owner'] or 'unknown')}: {plain(note['note'] or '')}")
