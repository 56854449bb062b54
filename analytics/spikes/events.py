"""From flagged buckets to spike events: one incident, one alert.

`group_events` joins a segment's flagged buckets that are at most `cooldown` buckets apart into
one event (start, peak, end, observed, expected, excess); `collapse_hierarchy` then reports an
incident seen at several levels of the segment hierarchy (KZ, scam, KZ × scam) once, at the
most specific segment that explains at least `min_share` of the broader segment's excess.
Both are vectorised over events (pandas/numpy), with no loop per series.
An event reported at a broad segment names its parts: `components` lists at most
MAX_COMPONENTS narrower segments with an event of their own in its period (the largest excess
first, none nested in another listed), each with observed, expected, excess and the share of
the event's excess it explains; `components_share` sums those shares (below EXPLAINED the
listed parts leave most of the excess unexplained, and `headline` says so); where one part is
extreme (≥ EXTREME_RATIO × its expected and most of the excess) the headline names it.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from analytics.spikes import severity

STEP = {"day": pd.Timedelta(days=1), "hour": pd.Timedelta(hours=1)}
EVENT_COLUMNS = ["event_id", "metric", "grain", "segment", "level", "start", "peak", "end",
                 "buckets", "observed", "expected", "excess", "score", "p_value", "severity",
                 "related", "components", "components_share", "headline"]
MAX_COMPONENTS = 5
EXPLAINED = 0.5        # listed parts explaining less of the excess than this: said in the headline
EXTREME_RATIO = 10.0   # a part at ≥ this × its expected holding most of the excess is the headline


def event_id(metric: str, grain: str, segment: dict, start) -> str:
    """A stable id: the same incident keeps its id across runs (triage hangs on it)."""
    text = f"{metric}|{grain}|{json.dumps(segment, sort_keys=True)}|{pd.Timestamp(start).isoformat()}"
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def segment_of(row: pd.Series, keys: list[str]) -> dict:
    return {k: row[k] for k in keys if row[k] is not None and not pd.isna(row[k])}


def group_events(scored: pd.DataFrame, *, keys: list[str], time: str = "bucket",
                 value: str = "cases", metric: str = "cases", grain: str = "day",
                 cooldown: int = 2) -> pd.DataFrame:
    """One row per event: consecutive flags of a segment, gaps of at most `cooldown` buckets."""
    flagged = scored.loc[scored["is_anomaly"], [*keys, time, value, "expected", "score",
                                                "p_value"]]
    if flagged.empty:
        return pd.DataFrame(columns=[*EVENT_COLUMNS, *keys])
    flagged = flagged.sort_values([*keys, time]).reset_index(drop=True)
    series = flagged.groupby(keys, sort=False, dropna=False).ngroup() if keys else 0
    steps = ((flagged[time] - flagged[time].min()) / STEP[grain]).round().astype(int)
    new = (pd.Series(series).diff().fillna(1).ne(0)) | (steps.diff().fillna(0) > cooldown + 1)
    flagged["event"] = new.cumsum()
    flagged["excess"] = flagged[value] - flagged["expected"]
    grouped = flagged.groupby("event")
    events = grouped.agg(start=(time, "min"), end=(time, "max"), buckets=(time, "size"),
                         observed=(value, "sum"), expected=("expected", "sum"),
                         excess=("excess", "sum"), score=("score", "max"),
                         p_value=("p_value", "min"))
    first = grouped[keys].first() if keys else pd.DataFrame(index=events.index)
    events["peak"] = flagged.loc[grouped["excess"].idxmax().to_numpy(), time].to_numpy()
    events = pd.concat([first, events], axis=1).reset_index(drop=True)
    events["segment"] = [segment_of(row, keys) for _, row in events[keys].iterrows()] \
        if keys else [{}] * len(events)
    events["level"] = events["segment"].map(len)
    events["metric"], events["grain"], events["related"] = metric, grain, 0
    events["severity"] = severity.severities(events["p_value"])
    events["components"] = [[] for _ in range(len(events))]
    events["components_share"] = np.nan
    events["headline"] = [label(s) for s in events["segment"]]
    events["event_id"] = [event_id(metric, grain, s, t)
                          for s, t in zip(events["segment"], events["start"])]
    return events[[*EVENT_COLUMNS, *keys]]


def _ancestry(events: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """a[i, j]: event i's segment is strictly broader than j's and their periods overlap."""
    n = len(events)
    broader = np.ones((n, n), dtype=bool)
    for key in keys:
        values = events[key].astype(object).where(events[key].notna(), None).to_numpy()
        wildcard = np.array([v is None for v in values])
        same = values[:, None] == values[None, :]
        broader &= wildcard[:, None] | same
    level = events["level"].to_numpy()
    broader &= level[:, None] < level[None, :]
    start, end = events["start"].to_numpy(), events["end"].to_numpy()
    return broader & (start[:, None] <= end[None, :]) & (start[None, :] <= end[:, None])


def collapse_hierarchy(events: pd.DataFrame, *, keys: list[str], min_share: float = 0.7) -> pd.DataFrame:
    """Keep one event per incident across the hierarchy; `related` counts the ones folded in.

    A broad event is represented by its most specific overlapping sub-segment event that holds
    at least `min_share` of its excess and more than its usual share (expected) of it; an event
    overlapping a reported broader event is part of that one.
    """
    if len(events) < 2 or not keys:
        return events.sort_values(["score", "excess"], ascending=False).reset_index(drop=True)
    events = events.reset_index(drop=True)
    anc = _ancestry(events, keys)
    excess, expected = events["excess"].to_numpy(float), events["expected"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = excess[None, :] / excess[:, None]
        usual = expected[None, :] / expected[:, None]
    explains = anc & (share >= min_share) & (share > usual)
    rank = events["level"].to_numpy() * 1e12 + excess        # most specific, then largest
    rep = np.where(explains.any(axis=1),
                   np.where(explains, rank[None, :], -np.inf).argmax(axis=1), np.arange(len(events)))
    reported = np.zeros(len(events), dtype=bool)
    reported[rep] = True
    inside = (anc & reported[:, None]).any(axis=0)          # under a reported broader event
    keep = reported & ~inside
    owner = np.where(keep, np.arange(len(events)), rep)
    owner = np.where(inside & ~keep, (anc & reported[:, None]).argmax(axis=0), owner)
    keep, owner = _fold_shared_parts(events, anc, keep, owner, min_share)
    related = np.bincount(owner[~keep], minlength=len(events))
    out = events.assign(related=related)[keep].copy()
    parts = [_components(events, i, np.flatnonzero(anc[i]), anc) for i in np.flatnonzero(keep)]
    out["components"] = [p[0] for p in parts]
    out["components_share"] = [p[1] for p in parts]
    out["headline"] = [_headline(row.segment, row.components, row.components_share)
                       for row in out.itertuples()]
    return out.sort_values(["score", "excess"], ascending=False).reset_index(drop=True)


def _fold_shared_parts(events: pd.DataFrame, anc: np.ndarray, keep: np.ndarray, owner: np.ndarray,
                       min_share: float) -> tuple[np.ndarray, np.ndarray]:
    """One incident seen along two dimensions (a burst in category "tiny" is also a burst of the
    constant source "user") is one event: a kept event whose excess lies, for at least
    `min_share`, in events narrower than both it and another kept event of the same period is
    folded into that one, the sharper (larger observed ÷ expected) of the two being kept."""
    kept = list(np.flatnonzero(keep))
    excess = events["excess"].to_numpy(float)
    ratio = events["observed"].to_numpy(float) / np.fmax(events["expected"].to_numpy(float), 0.5)
    start, end = events["start"].to_numpy(), events["end"].to_numpy()
    for i in sorted(kept, key=lambda k: ratio[k]):
        for j in kept:
            if i == j or not keep[j] or not (start[i] <= end[j] and start[j] <= end[i]):
                continue
            common = np.flatnonzero(anc[i] & anc[j])
            top = [c for c in common if not anc[common, c].any()]   # none nested in another
            if ratio[j] >= ratio[i] and excess[top].sum() >= min_share * excess[i] > 0:
                keep[i] = False
                owner[owner == i] = j
                owner[i] = j
                break
    return keep, owner


def label(segment: dict) -> str:
    """A segment in words: "KZ × scam", "all cases"."""
    return " × ".join(str(v) for v in segment.values()) or "all cases"


def _disjoint(a: dict, b: dict) -> bool:
    """No case is in both segments: they differ on a key both fix."""
    return any(key in b and b[key] != value for key, value in a.items())


def _components(events: pd.DataFrame, i: int, narrower: np.ndarray, anc: np.ndarray):
    """(parts, share explained) of event i: its largest narrower events, pairwise disjoint (so
    their shares add up), twins of i itself (a constant source under a market) left out."""
    total, observed = float(events.at[i, "excess"]), float(events.at[i, "observed"])
    if not len(narrower) or total <= 0:
        return [], np.nan
    chosen: list[int] = []
    for j in sorted(narrower, key=lambda j: (-events.at[j, "excess"], events.at[j, "level"])):
        excess, segment = events.at[j, "excess"], events.at[j, "segment"]
        twin = events.at[j, "observed"] == observed and excess >= 0.98 * total
        if len(chosen) == MAX_COMPONENTS:
            break
        if excess > 0 and not twin and all(_disjoint(segment, events.at[k, "segment"])
                                           for k in chosen):
            chosen.append(j)
    parts = [{"segment": dict(events.at[j, "segment"]),
              "observed": float(events.at[j, "observed"]),
              "expected": float(events.at[j, "expected"]),
              "excess": float(events.at[j, "excess"]),
              "share": min(1.0, float(events.at[j, "excess"]) / total)} for j in chosen]
    return parts, (min(1.0, sum(p["share"] for p in parts)) if parts else np.nan)


def _headline(segment: dict, parts: list[dict], explained: float) -> str:
    """The event in a line: its segment, and the part that drives it when one does."""
    name = label(segment)
    if not parts:
        return name
    top = parts[0]
    if top["observed"] >= EXTREME_RATIO * max(top["expected"], 0.5) and top["share"] > 0.5:
        return (f"{name}: driven by {label(top['segment'])} ({top['observed']:,.0f} vs "
                f"{top['expected']:,.1f} expected)")
    if explained < EXPLAINED:
        return f"{name}: the listed parts explain {explained:.0%} of the excess"
    return name
