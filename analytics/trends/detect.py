"""Emerging trends: rising segments and new wording, ranked together, as of any day.

`load_cases` reads the days a run needs (`sql/marts/trend_cases.sql`); `detect_trends` is pure
(cases frame in, ranked trends out) and causal: only cases created up to `as_of` count, so
`--as-of` answers "what would we have seen that day". Trends are ranked by `priority`
(surprise × excess); `score` is the detectors' 0-1 surprise (segments.py, terms.py). `to_records` is the one way trends leave
the app (CLI, exports): person-identifying terms are masked there.
"""
from __future__ import annotations

import contextlib
import datetime as dt

import numpy as np
import pandas as pd

from analytics import coverage, db
from analytics.text.incidence import TermIncidence, build_incidence, value_codes
from analytics.text.terms import mask_pii
from analytics.trends.compare import period_cells
from analytics.trends.segments import detect_segment_trends
from analytics.trends.settings import DEFAULTS, TrendSettings, from_knobs
from analytics.trends.terms import term_statistics
from analytics.trends.wording import examples, term_trends

COLUMNS = ["rank", "kind", "label", "segment", "term", "related_terms", "language", "languages",
           "markets", "since", "observed", "expected", "excess", "growth", "p_value", "q_value",
           "score", "priority", "is_new", "pattern", "window_days", "sparkline", "examples"]
SEGMENT_KEYS = ("market", "abuse_category", "source")


def default_as_of(con) -> dt.date | None:
    """The last day complete in every market (a day still arriving would look like a dip)."""
    fresh = db.query_df(con, "marts/data_freshness")
    value = fresh["last_complete_date"].iloc[0] if len(fresh) else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@contextlib.contextmanager
def _large_strings(con):
    """Arrow strings with 64-bit offsets from DuckDB while inside: pandas keeps its strings so,
    and casting millions of them (a copy of every string column) cost ~0.6 s at 10M cases.
    The connection's setting is restored after."""
    before = bool(db.run_sql(con, "session/arrow_large_buffers_now").fetchall()[0][0])
    db.run_sql(con, "session/arrow_large_buffers", enabled=True).fetchall()
    try:
        yield
    finally:
        db.run_sql(con, "session/arrow_large_buffers", enabled=before).fetchall()


def load_cases(con, as_of: dt.date, *, cfg: TrendSettings = DEFAULTS) -> pd.DataFrame:
    """The cases of the days a run as of `as_of` reads. `summary` is categorical (each distinct
    text once: at 10M cases the window repeats a few thousand texts millions of times) and
    `created_date` a datetime64 column (not Python dates)."""
    window = {"start_date": as_of - dt.timedelta(days=cfg.history_days - 1), "end_date": as_of}
    texts = db.query_df(con, "marts/trend_summaries", **window)
    exact = not texts["summary_key"].duplicated().any()   # else two summaries share a hash
    with _large_strings(con):
        cases = db.query_arrow(con, "marts/trend_cases", **window, with_summary=not exact) \
            .to_pandas(date_as_object=False)
    if exact:
        known = texts[texts["summary"].notna()]
        codes = pd.Index(known["summary_key"]).get_indexer(cases["summary_key"])
        cases["summary"] = pd.Categorical.from_codes(codes, pd.Index(known["summary"], dtype=object))
    return cases.drop(columns="summary_key")


CODED = ("market", "abuse_category", "source", "language")   # columns detection groups on


def _segment_rows(found: pd.DataFrame, cases: pd.DataFrame, recent: np.ndarray,
                  cfg: TrendSettings, codes: dict | None = None) -> pd.DataFrame:
    codes = codes or {c: value_codes(cases[c]) for c in CODED}
    rows = []
    for _, row in found.iterrows():
        segment = {k: row[k] for k in SEGMENT_KEYS if isinstance(row.get(k), str)}
        match = recent.copy()
        for key, value in segment.items():   # (a missing value never equals a label)
            code, values = codes[key]
            match &= code == (int(np.flatnonzero(values == value)[0]) if value in values else -2)
        ids, languages, markets = examples(cases, np.flatnonzero(match), cfg.examples_per_language,
                                           codes)
        rows.append(row.to_dict() | {
            "kind": "segment", "segment": segment, "label": " · ".join(segment.values()),
            "term": None, "related_terms": [], "languages": languages,
            "markets": markets if "market" not in segment else [segment["market"]],
            "examples": ids})
    return pd.DataFrame(rows)


def covered_since(con, as_of) -> pd.Timestamp | None:
    """The first day of the exports' covered stretch that holds `as_of` (analytics/coverage.py):
    trend baselines never reach before it."""
    return coverage.load(con).covered_since(as_of)


def detect_trends(cases: pd.DataFrame, as_of, *, cfg: TrendSettings = DEFAULTS,
                  incidence: TermIncidence | None = None, keep_keys: bool = False,
                  covered_since=None, **knobs) -> pd.DataFrame:
    """Ranked emerging trends (segments and terms) as of the end of `as_of` (a local date).

    `incidence` (of exactly these cases) may be passed in to reuse tokenising across runs;
    `keep_keys` adds `term_keys` (unmasked: for scoring, never for export); `covered_since`:
    the first covered day (`covered_since(con, as_of)`; None = the first case's day);
    `knobs`: TrendSettings fields over `cfg`."""
    cfg = from_knobs(cfg, knobs)
    as_of = pd.Timestamp(as_of).normalize()
    created = pd.to_datetime(cases["created_date"])
    if (created > as_of).any():   # (a copy of millions of rows only when some are later)
        cases = cases[(created <= as_of).to_numpy()].reset_index(drop=True)
        created = pd.to_datetime(cases["created_date"])
    if incidence is not None and len(incidence.text_of_case) != len(cases):
        raise ValueError("incidence must be built from the same cases (rows) as `cases`")
    # each grouping column as integer codes, once: every step below groups or matches on them
    codes = {c: value_codes(cases[c]) for c in CODED}
    incidence = incidence or build_incidence(cases["summary"], cases["language"],
                                             codes["language"])
    since = as_of - pd.Timedelta(days=cfg.long_recent_days - 1)
    recent = (created >= since).to_numpy()
    segments = detect_segment_trends(cases, as_of, cfg=cfg, codes=codes, covered_since=covered_since)
    found = _segment_rows(segments[segments["is_anomaly"]], cases, recent, cfg, codes)
    stats = term_statistics(incidence, cases, as_of, cfg=cfg, codes=codes)
    words = term_trends(stats, incidence, cases, np.flatnonzero(recent), cfg, codes)
    if not words.empty:
        words["label"], words["segment"] = words["term"], None
    ranked = pd.concat([f for f in (found, words) if not f.empty], ignore_index=True) \
        if not (found.empty and words.empty) else pd.DataFrame(columns=COLUMNS)
    ranked = ranked.sort_values("priority", ascending=False, ignore_index=True)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    ranked["language"] = ranked["languages"].map(lambda v: v[0] if len(v) else None)
    if keep_keys:
        keys = ranked["term_keys"] if "term_keys" in ranked else pd.Series([None] * len(ranked))
        return ranked[COLUMNS].assign(term_keys=[k if isinstance(k, list) else [] for k in keys])
    return ranked[COLUMNS]


def app_results(cases: pd.DataFrame, as_of, *, cfg: TrendSettings = DEFAULTS,
                covered_since=None) -> dict:
    """What the app shows of one as-of day, from one tokenising of the window: `ranked` (as
    `detect_trends` returns it), `examples` (the rows of every example case) and `cells`
    (trends_compare.period_cells: the period comparison under any filter)."""
    as_of = pd.Timestamp(as_of).normalize()
    created = pd.to_datetime(cases["created_date"])
    if (created > as_of).any():
        cases = cases[(created <= as_of).to_numpy()].reset_index(drop=True)
    incidence = build_incidence(cases["summary"], cases["language"])
    ranked = detect_trends(cases, as_of, cfg=cfg, incidence=incidence, covered_since=covered_since)
    wanted = {case_id for ids in ranked["examples"] for case_id in ids}
    examples = cases.loc[cases["case_id"].isin(wanted).to_numpy(),
                         ["case_id", "created_date", "market", "language", "abuse_category", "summary"]]
    examples = examples.assign(created_date=pd.to_datetime(examples["created_date"]).dt.date,
                               summary=examples["summary"].astype(object))
    return {"ranked": ranked, "examples": examples.reset_index(drop=True),
            "cells": period_cells(incidence, cases, as_of)}


def select_trends(trends: pd.DataFrame, markets=(), languages=()) -> pd.DataFrame:
    """The trends touching any of `markets` and written in any of `languages` (empty = all).

    >>> t = pd.DataFrame({"markets": [["KZ"], ["RU"]], "languages": [["kk"], ["ru"]]})
    >>> len(select_trends(t, ["KZ"])), len(select_trends(t, languages=["ru"]))
    (1, 1)
    """
    for column, wanted in (("markets", set(markets)), ("languages", set(languages))):
        if wanted:
            trends = trends[trends[column].map(lambda values: bool(set(values) & wanted))]
    return trends


def to_records(trends: pd.DataFrame, *, public_accounts: frozenset[str] = frozenset()) -> list[dict]:
    """Plain JSON-ready dicts, person-identifying terms masked (the way out of the app)."""
    def clean(value):
        if isinstance(value, (np.integer, np.floating, np.bool_)):
            return value.item()
        if isinstance(value, (list, tuple, np.ndarray)):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (dt.date, pd.Timestamp)):
            return value.isoformat()[:10]
        return value

    records = [{k: clean(v) for k, v in row.items()} for row in trends.to_dict("records")]
    for record in records:
        for key in ("label", "term"):
            if record.get(key):
                record[key] = mask_pii(record[key], public_accounts)
        record["related_terms"] = [mask_pii(t, public_accounts) for t in record["related_terms"]]
        for key in ("observed", "expected", "excess", "growth", "score", "priority"):
            record[key] = round(float(record[key]), 2)
    return records
