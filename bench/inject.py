"""Spikes injected into a real export: the detector graded on data its own generator did not make.

    python bench/inject.py [--db PATH] [--n 40] [--seed 7] [--set '{"spread_skew": false}']

Loads the ServiceNow incident log (../shared/samples/uci_incident_log/, mapping
data/mappings/servicenow_incident_log.toml) into a DuckDB file (once; reused), reads its daily
and hourly segment counts over the dense months (2016-03-01..2016-05-31), injects `--n` spikes
per grain into busy segments after the warm-up (each 2×–3× the segment's recent mean and at
least 20 extra cases, added to the segment and to every broader segment containing it), runs
the product detector with its defaults, and prints event recall, precision (of all events, and
of the events the clean data does not already have) and the median detection delay in buckets.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analytics import db, ingest  # noqa: E402
from analytics.spikes import detect as spikes
from analytics.spikes import triage as spike_db

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "samples" / "uci_incident_log" / "incident_event_log.zip"
MAPPING = ROOT / "data" / "mappings" / "servicenow_incident_log.toml"
DENSE = (pd.Timestamp("2016-03-01"), pd.Timestamp("2016-05-31 23:00"))
KEYS = list(spikes.DIMENSIONS)
# per grain: buckets left alone at the start (warm-up + a margin), buckets per spike, min mean
# and the least time between two spikes of one segment (the sample has few busy hourly segments)
SHAPE = {"day": dict(skip=28, length=1, min_mean=15, spacing=pd.Timedelta(days=7)),
         "hour": dict(skip=15 * 24, length=3, min_mean=1, spacing=pd.Timedelta(days=2))}


def contains(counts: pd.DataFrame, segment: dict) -> pd.Series:
    """Rows of the segments that contain `segment` (itself and every broader one)."""
    keep = pd.Series(True, index=counts.index)
    for key in KEYS:
        keep &= counts[key].isna() | (counts[key].eq(segment[key]) if key in segment else False)
    return keep


def inject(scored: pd.DataFrame, *, grain: str, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts with `n` spikes added, the spikes: segment, start, end, excess per bucket).

    `scored`: the clean counts scored by the detector. Each spike raises a busy segment, after
    the warm-up, to U(2, 3) × the clean expected value and at least 20 cases over it in each of
    its buckets — the issue's "big spike" (≥ 2× expected, ≥ 20 excess) — by adding cases to the
    segment and every broader one; spikes of a segment are at least a week (hourly: two days)
    apart; the input is left unchanged. (Round 2 added U(1, 2) × expected on top of the clean
    count, so a spike on a quiet bucket, e.g. an unlisted holiday, held less than 2× expected.)"""
    shape, rng = SHAPE[grain], np.random.default_rng(seed)
    out = scored[[*KEYS, "bucket", "cases"]].copy()
    buckets = pd.DatetimeIndex(sorted(out["bucket"].unique()))
    groups = scored.groupby(KEYS, dropna=False)
    per_segment = groups["cases"].sum().div(len(buckets))
    is_busy = (per_segment >= shape["min_mean"]).to_numpy()
    busy = per_segment.index[is_busy].to_list()
    # one pass over the groups (same order as the sums); get_group per key rescans the frame
    expected_of = [g.set_index("bucket")[["expected", "cases"]] for (_, g), ok in zip(groups, is_busy) if ok]
    made, tries = [], 0
    while len(made) < n:
        if (tries := tries + 1) > 1000 * n:
            raise ValueError(f"cannot place {n} spikes apart in {len(busy)} busy segments")
        pick = int(rng.integers(len(busy)))
        segment = {k: v for k, v in zip(KEYS, busy[pick]) if not pd.isna(v)}
        span = buckets[(at := int(rng.integers(shape["skip"], len(buckets) - shape["length"]))):
                       at + shape["length"]]
        if any(m["segment"] == segment and abs(m["start"] - span[0]) < shape["spacing"] for m in made):
            continue
        clean = expected_of[pick].reindex(span).dropna()
        if len(clean) < len(span):
            continue   # a bucket without cases: no clean expected value to size the spike by
        target = np.ceil(np.maximum(clean["expected"] * rng.uniform(2.0, 3.0), clean["expected"] + 20))
        added = np.maximum(target - clean["cases"], 0).astype(int).to_numpy()
        out = _add(out, segment, span, added)
        made.append({"segment": segment, "start": span[0], "end": span[-1],
                     "excess_per_bucket": int(round((target - clean["expected"]).mean())),
                     "expected": round(float(clean["expected"].max()), 1)})
    return out, pd.DataFrame(made)


def _add(counts: pd.DataFrame, segment: dict, span: pd.DatetimeIndex, added: np.ndarray) -> pd.DataFrame:
    """Add `added[i]` cases to bucket `span[i]` of the segment and of every segment containing
    it, creating the rows a bucket without cases lacks."""
    levels = [{k: v for k, v in segment.items() if k in kept}
              for kept in _subsets(list(segment))]
    new = pd.DataFrame([{**{k: lv.get(k) for k in KEYS}, "bucket": b, "cases": 0}
                        for lv in levels for b in span])
    nearby = counts[counts["bucket"].isin(span)]   # presence only matters within the span
    merged = pd.concat([counts, new[~_present(nearby, new)]], ignore_index=True)
    extra = merged["bucket"].map(pd.Series(added, index=span)).fillna(0).to_numpy(dtype=np.int64)
    hit = contains(merged, segment).to_numpy()
    return merged.assign(cases=merged["cases"] + np.where(hit, extra, 0))


def _subsets(keys: list[str]) -> list[list[str]]:
    return [[k for i, k in enumerate(keys) if mask >> i & 1] for mask in range(2 ** len(keys))]


def _present(counts: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
    have = set(_row_keys(counts))
    return np.array([key in have for key in _row_keys(new)], dtype=bool)


def _row_keys(frame: pd.DataFrame):
    # "all" is None in some columns and NaN in others: one marker for both
    labels = [np.where(frame[k].isna(), "*all*", frame[k].astype(object)) for k in KEYS]
    return zip(*labels, frame["bucket"])


def grade(events: pd.DataFrame, truth: pd.DataFrame, clean: pd.DataFrame, grain: str) -> dict:
    """Recall, precision and median delay (buckets) of events against the injected spikes.

    A spike is found by a reported event of a nested segment (itself, broader or narrower) that
    overlaps it and that the clean run does not report as it is: a new event, or a clean one
    the spike extended (an incident within the cool-down of an earlier one joins its event;
    round 2 required a new event starting at the spike and missed those)."""
    step = spike_db_step(grain)
    seen = set(_signature(clean))
    fresh = np.array([s not in seen for s in _signature(events)], dtype=bool)
    found, delays, matched = [], [], set()
    starts, ends = pd.to_datetime(events["start"]), pd.to_datetime(events["end"])
    for spike in truth.itertuples():
        hit = events[[ok and _nested(dict(s), spike.segment) and st <= spike.end and en >= spike.start - step
                      for ok, s, st, en in zip(fresh, events["segment"], starts, ends)]]
        found.append(len(hit) > 0)
        matched |= set(hit["event_id"])
        if len(hit):
            delays.append(max((pd.to_datetime(hit["start"]).min() - spike.start) / step, 0))
    new = events[fresh]
    if "-v" in sys.argv:
        print(truth.assign(found=found).to_string())
    return {"recall": np.mean(found), "found": sum(found), "spikes": len(truth),
            "precision_all": len(matched) / max(len(events), 1), "events": len(events),
            "precision_new": len(matched) / max(len(new), 1), "new_events": len(new),
            "median_delay": float(np.median(delays)) if delays else float("nan")}


def _signature(events: pd.DataFrame):
    return zip(events["event_id"], pd.to_datetime(events["end"]), events["observed"].astype(float))


def spike_db_step(grain: str) -> pd.Timedelta:
    return pd.Timedelta(days=1) if grain == "day" else pd.Timedelta(hours=1)


def _nested(a: dict, b: dict) -> bool:
    return all(a.get(k) == v for k, v in b.items()) or all(b.get(k) == v for k, v in a.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/spike_inject/servicenow.duckdb"))
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-v", action="store_true", help="print every injected spike")
    parser.add_argument("--set", default="{}", metavar="JSON",
                        help="SpikeSettings knobs over the defaults (a JSON object)")
    args = parser.parse_args(argv)
    try:
        knobs = spikes.knobs_json(args.set, "--set")
    except ValueError as exc:
        parser.error(str(exc))
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        ingest.ingest_file(SAMPLE, kind="cases", mapping=MAPPING, db_path=args.db)
    for grain in ("day", "hour"):
        with db.reader(args.db) as con:
            counts = spike_db.load_counts(con, grain=grain, until=DENSE[1].date())
        counts["bucket"] = pd.to_datetime(counts["bucket"])
        counts = counts[counts["bucket"].between(*DENSE)].reset_index(drop=True)
        scored, clean = spikes.find_spikes(counts, grain=grain, **knobs)
        dirty, truth = inject(scored, grain=grain, n=args.n, seed=args.seed)
        started = time.perf_counter()
        _, events = spikes.find_spikes(dirty, grain=grain, **knobs)
        seconds = time.perf_counter() - started
        result = grade(events, truth, clean, grain)
        print(f"{grain:4s}: {counts[KEYS].drop_duplicates().shape[0]} series × "
              f"{counts['bucket'].nunique()} buckets, {len(truth)} injected spikes "
              f"(excess {truth['excess_per_bucket'].min()}–{truth['excess_per_bucket'].max()} per bucket), "
              f"scored in {seconds:.2f} s")
        print(f"      recall {result['recall']:.2f} ({result['found']}/{result['spikes']}), "
              f"precision {result['precision_all']:.2f} of all {result['events']} events, "
              f"{result['precision_new']:.2f} of the {result['new_events']} not in the clean run; "
              f"median delay {result['median_delay']:.0f} {grain}s; clean run: {len(clean)} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
