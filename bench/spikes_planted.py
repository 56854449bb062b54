"""Planted-incident benchmark on the demo: event recall, precision and median detection delay
against the demo's ground truth, false spike events per week, and the speed of scoring every
daily series.

    python bench/spikes_planted.py --db PATH   # a demo DB; its ground truth is read beside it
    python bench/spikes_planted.py --db PATH --set '{"spread_skew": false}'   # other knobs

A planted incident counts as big when its observed peak is at least 2× expected and brings at
least 20 excess cases (the issue's recall target). An event matches an incident when their
segments are nested (one contains the other) and the event starts within the incident's days.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analytics import db  # noqa: E402
from analytics.demo import load as demo
from analytics.spikes import triage as spike_db
from analytics.spikes.detect import knobs_json

KINDS = ("one_day_spike", "multi_day_surge")


def nested(a: dict, b: dict) -> bool:
    return bool(a) and (all(a.get(k) == v for k, v in b.items()) or all(b.get(k) == v for k, v in a.items()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--set", default="{}", metavar="JSON",
                        help="SpikeSettings knobs over the sensitivity setting's (a JSON object)")
    args = parser.parse_args(argv)
    try:
        knobs = knobs_json(args.set, "--set")
    except ValueError as exc:
        parser.error(str(exc))
    truth = [t for t in json.loads(demo.ground_truth_path_for(args.db).read_text()) if t["kind"] in KINDS]
    with db.reader(args.db) as con:
        started = time.perf_counter()
        counts = spike_db.load_counts(con)
        loaded = time.perf_counter()
        scored, events = spike_db.detect(con, **knobs)
        total = time.perf_counter() - started
    n_series = counts[["market", "abuse_category", "source"]].drop_duplicates().shape[0]
    print(f"speed: {n_series:,} daily series × {counts['bucket'].nunique()} days: counts {loaded - started:.2f} s, "
          f"counts + scoring + events {total:.2f} s")
    rows, matched = [], set()
    for t in truth:
        hit = events[[nested(dict(s), t["segment"]) and t["start"] <= str(st)[:10] <= t["end"]
                      for s, st in zip(events["segment"], events["start"])]]
        seg = scored
        for k in ("market", "abuse_category", "source"):
            seg = seg[seg[k].isna()] if k not in t["segment"] else seg[seg[k] == t["segment"][k]]
        days = seg[seg["bucket"].between(t["start"], t["end"])]
        big = bool(len(days)) and ((days["cases"] >= 2 * days["expected"]) & (days["cases"] - days["expected"] >= 20)).any()
        delay = (pd.Timestamp(hit["start"].min()) - pd.Timestamp(t["start"])).days if len(hit) else None
        matched |= set(hit["event_id"])
        rows.append({"segment": t["segment"], "start": t["start"], "big": big, "found": len(hit) > 0, "delay_days": delay})
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    big = table[table["big"]]
    weeks = (pd.to_datetime(scored["bucket"]).max() - pd.to_datetime(scored["bucket"]).min()).days / 7
    false_events = len(events) - len(matched)
    print(f"recall (all planted spikes/surges): {table['found'].mean():.2f} ({table['found'].sum()}/{len(table)})")
    print(f"recall (big: ≥2× and ≥20 excess): {big['found'].mean() if len(big) else float('nan'):.2f} ({big['found'].sum()}/{len(big)})")
    print(f"precision (events matching a planted incident): {len(matched) / max(len(events), 1):.2f} ({len(matched)}/{len(events)})")
    print(f"median detection delay: {np.nanmedian(table['delay_days'].astype(float)):.1f} days")
    print(f"false spike events per week (after grouping): {false_events / weeks:.2f} ({false_events} in {weeks:.0f} weeks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
