"""The Trends page's shaping of ranked trends and of the period comparison."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.views.words import human

KINDS = {"segment": "Segment", "term": "Wording"}
COLUMNS = ["rank", "what", "label", "sparkline", "since", "window_days", "growth", "excess",
           "observed", "expected", "language", "pattern"]


def in_words(found: pd.DataFrame) -> pd.DataFrame:
    """Segment trends' labels with their values in words ('KZ · hate speech'); wording as found.

    >>> in_words(pd.DataFrame({"kind": ["segment", "term"],
    ...                        "label": ["KZ · hate_speech", "qazpay_bonus"]}))["label"].tolist()
    ['KZ · hate speech', 'qazpay_bonus']
    """
    segments = found["kind"].eq("segment") if "kind" in found else found["label"].isna()
    said = found.loc[segments, "label"].map(lambda t: " · ".join(map(human, t.split(" · "))))
    return found.assign(label=said.reindex(found.index).fillna(found["label"]))


def table(found: pd.DataFrame, *, with_examples: bool) -> pd.DataFrame:
    """The ranked trends as the page's table: kind, values and languages in words, growth to a
    tenth, and (for those who may see cases) the first four example case ids."""
    found = in_words(found)
    shown = found.assign(
        what=found["kind"].map(KINDS), language=found["languages"].map(", ".join),
        growth=found["growth"].round(1), excess=found["excess"].round(0),
        observed=found["observed"].round(0), examples=found["examples"].map(lambda v: " ".join(v[:4])),
        window_days=found["window_days"] if "window_days" in found else 7)
    return shown[COLUMNS + (["examples"] if with_examples else [])]


def openable(found: pd.DataFrame, n: int = 6) -> list:
    """The top `n` trends whose examples the page can open, as rows (rank, label, examples,
    related_terms, ...)."""
    return list(in_words(found.head(n)).itertuples())


def window(row, as_of) -> tuple[dt.date, dt.date]:
    """The market-local days a trend was tested over: its `window_days` up to `as_of`.

    >>> window(pd.Series({"window_days": 7}), dt.date(2026, 3, 30))
    (datetime.date(2026, 3, 24), datetime.date(2026, 3, 30))
    """
    days = int(getattr(row, "window_days", 7) or 7)
    return as_of - dt.timedelta(days=days - 1), as_of


def segment_of(row) -> dict:
    """A segment trend's segment as {market, abuse_category, source: value}, set keys only
    (stored results may carry every key, the unset ones as None)."""
    segment = row.segment if isinstance(row.segment, dict) else {}
    return {k: v for k, v in segment.items() if isinstance(v, str)}


def comparison_sides(compared: pd.DataFrame, rising: int = 15, falling: int = 10
                     ) -> dict[str, pd.DataFrame]:
    """{'Rising': ..., 'Falling': ...}: the terms with z above and below zero (most rising
    first, most falling last), each as term, cases now, cases before, z."""
    parts = {"Rising": compared[compared["z"] > 0].head(rising),
             "Falling": compared[compared["z"] < 0].tail(falling)}
    return {title: pd.DataFrame({title: part["term"], "Now": part["recent_cases"],
                                 "Before": part["previous_cases"], "z": part["z"].round(1)})
            for title, part in parts.items()}
