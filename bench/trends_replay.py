"""Replay trend detection day by day: the demo's planted trends, then injected rises and terms.

    python bench/trends_replay.py --db /tmp/t300.duckdb [--days 60] [--reps 4] [--seeds 11 12]
                                  [--parts run,demo,volume,terms] [--scenarios "ramp 21d"]

Demo part: every as-of day in the last `--days` days of the demo, scored against its ground
truth (emerging_trend, emerging_term; one-day spikes must not be listed; a listed segment that
matches no planted incident is a false alert). Injected part: steady synthetic segments at 5, 20
and 50 cases a day with step rises (×1.3/×1.6/×2) and ramps (7/14/21/28 days to ×2) injected
`--reps` times each (one-day spikes and controls 3 × `--reps`: they measure rates), each judged
as the only injected series in the demo's own family of segment p-values that day (Benjamini–
Hochberg over a few hundred mostly quiet series, as in real use), and new terms
in kk/ru/en, Cyrillic, Latin and plain-ASCII Kazakh, with look-alike and inflected spellings that
should merge into one trend. Prints every figure; not part of the tests.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from trends_inject import injected_runs, term_runs  # noqa: E402

from analytics import db  # noqa: E402
from analytics.demo import load as demo
from analytics.text.incidence import TermIncidence, build_incidence  # noqa: E402
from analytics.text.terms import extract_terms  # noqa: E402
from analytics.trends import detect as trends
from analytics.trends.segments import detect_segment_trends  # noqa: E402
from analytics.trends.settings import DEFAULTS  # noqa: E402


def _slice(incidence: TermIncidence, rows: np.ndarray) -> TermIncidence:
    return TermIncidence(incidence.matrix[rows], incidence.vocabulary,
                         incidence.text_of_case[rows], incidence.text_terms)


def _matches(trend: dict, truth: dict) -> bool:
    if truth["kind"] == "emerging_term":
        wanted = set(extract_terms(truth["term"], truth["segment"].get("language")))
        return trend["kind"] == "term" and bool(wanted & set(trend.get("term_keys") or []))
    return trend["kind"] == "segment" and trend["segment"] == truth["segment"]


def demo_replay(db_path: str, days: int) -> dict:
    truth = json.loads(demo.ground_truth_path_for(Path(db_path)).read_text())
    with db.reader(Path(db_path)) as con:
        last = trends.default_as_of(con)
        cases = trends.load_cases(con, last, cfg=replace(DEFAULTS, long_baseline_days=84 + days))
    incidence = build_incidence(cases["summary"], cases["language"])
    created = pd.to_datetime(cases["created_date"])
    found, times = {}, []
    for as_of in pd.date_range(end=last, periods=days):
        rows = np.flatnonzero(((created <= as_of) & (created > as_of - pd.Timedelta(days=113))).to_numpy())
        start = time.perf_counter()
        ranked = trends.detect_trends(cases.iloc[rows].reset_index(drop=True), as_of,
                                      incidence=_slice(incidence, rows), keep_keys=True)
        times.append(time.perf_counter() - start)
        found[as_of.date()] = ranked.to_dict("records")
    return score_demo(truth, found) | {"run_s_median": float(np.median(times)), "days": days}


def demo_background(db_path: str, days: int = 29) -> list[np.ndarray]:
    """The demo's segment p-values on each of its last `days` days: the family an injected
    series joins (a few hundred series, almost all without a trend)."""
    with db.reader(Path(db_path)) as con:
        last = trends.default_as_of(con)
        cases = trends.load_cases(con, last, cfg=replace(DEFAULTS, long_baseline_days=84 + days))
    created = pd.to_datetime(cases["created_date"])
    return [detect_segment_trends(cases[(created <= day).to_numpy()], day)["p_value"].to_numpy()
            for day in pd.date_range(end=last, periods=days)]


def score_demo(truth: list[dict], found: dict) -> dict:
    out, delays = {}, {}
    for item in truth:
        if item["kind"] not in ("emerging_trend", "emerging_term"):
            continue
        hits = [d for d, listed in found.items() if any(_matches(t, item) for t in listed)]
        name = item.get("term") or " · ".join(item["segment"].values())
        out[name] = {"first_listed": str(min(hits)) if hits else None,
                     "days_listed": f"{len(hits)}/{len(found)}"}
        delays[name] = hits
    spikes = [t for t in truth if t["kind"] == "one_day_spike"
              and any(pd.Timestamp(t["start"]).date() <= d for d in found)]
    spike_listed = sum(any(_matches(t, s) for d, listed in found.items() for t in listed
                           if 0 <= (d - pd.Timestamp(s["start"]).date()).days < 7) for s in spikes)
    planted = [t["segment"] for t in truth if t["kind"] != "emerging_term"]

    def explained(segment: dict) -> bool:  # a planted segment, or a total that contains one
        return any(segment.items() <= p.items() for p in planted)

    false_days, false_starts, before = 0, 0, set()
    for listed in found.values():
        now = {json.dumps(t["segment"], sort_keys=True) for t in listed
               if t["kind"] == "segment" and not explained(t["segment"])}
        false_days, false_starts, before = false_days + len(now), false_starts + len(now - before), now
    top10 = [np.mean([any(_matches(t, x) for x in truth if x["kind"] == "emerging_term")
                      for t in [t for t in listed if t["kind"] == "term"][:10]] or [np.nan])
             for listed in found.values()]
    weeks = len(found) / 7
    return {"planted": out, "one_day_spikes_listed": f"{spike_listed}/{len(spikes)}",
            "false_segment_trends_started_per_week": round(false_starts / weeks, 2),
            "false_segment_listings_per_week": round(false_days / weeks, 2),
            "term_top10_precision_mean": round(float(np.nanmean(top10)), 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/t300.duckdb")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11],
                        help="seeds of the injected volume series (one run each)")
    parser.add_argument("--scenarios", default=None,
                        help="comma-separated injected scenarios to run (e.g. 'ramp 21d'; all "
                             "when not given): more --reps of one scenario in the same time")
    parser.add_argument("--parts", default="run,demo,volume,terms",
                        help="comma-separated: run (full daily run), demo, volume, terms")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if "run" in parts:
        start = time.perf_counter()
        with db.reader(Path(args.db)) as con:
            as_of = trends.default_as_of(con)
            cases = trends.load_cases(con, as_of)
        trends.detect_trends(cases, as_of)
        print(json.dumps({"full_daily_run_s": round(time.perf_counter() - start, 2)}))
    if "demo" in parts:
        print(json.dumps({"demo_replay": demo_replay(args.db, args.days)}, ensure_ascii=False,
                         indent=1, default=str))
    if "volume" in parts:
        background = demo_background(args.db)
        for seed in args.seeds:
            print(json.dumps({f"injected_volume seed {seed}": injected_runs(
                detect_segment_trends, args.reps, background, seed=seed,
                scenarios=args.scenarios and args.scenarios.split(","))}, indent=1))
    if "terms" in parts:
        print(json.dumps({"injected_terms": term_runs(trends.detect_trends, args.reps)},
                         ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
