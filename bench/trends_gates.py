"""Which rule gates the listing of injected ramps: the first day each rule alone would allow.

    python bench/trends_gates.py --db /tmp/t300.duckdb [--reps 96] [--seeds 11 12]
                                 [--bases 5 20] [--scenario "ramp 21d"]

The injected series of bench/trends_inject.py (`--scenario` only), replayed for 29 days from
the onset, each judged as the only injected series in the demo's own Benjamini–Hochberg family
of that day (as `injected_runs` does). For each series: the first day it is listed (everything
holds), the first day q <= 0.05 alone, the first day the rules alone hold (persistence or CUSUM,
the hold rule, no spike, size; of either test), and those of each test. Prints the median
delays as the oracle counts (onset day = day 1; a series never reaching one counts as day 30).
A rule that lets a series through days after q does is the one that gates it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from trends_inject import DAYS, ONSET, family_q, volume_cases
from trends_replay import demo_background

from analytics.trends import segments
from analytics.trends.settings import DEFAULTS


def gates(cases: pd.DataFrame, as_of, cfg=DEFAULTS) -> pd.DataFrame:
    """Per market series: p of each test and whether each test's rules hold (as `_judge`)."""
    days = segments.history_days(cases, pd.Timestamp(as_of), cfg)
    keys, counts = segments.daily_matrix(cases, days)
    weekdays = days.day_of_week.to_numpy()
    expected, variance, _, _, window_fit = segments._expectation(keys, counts, weekdays, cfg)
    short = segments._short_test(counts, expected, variance, window_fit, cfg)
    long = segments._long_test(counts, weekdays, cfg)
    rows = (keys["dimension"] == "market").to_numpy()
    return pd.DataFrame({"market": keys.loc[rows, "market"].to_numpy(),
                         "p": np.minimum(1.0, 2 * np.minimum(short["p"], long["p"]))[rows],
                         "short_rules": (short["ok"] & short["sized"])[rows],
                         "long_rules": (long["ok"] & long["sized"])[rows]})


def first_days(reps: int, seed: int, background: list[np.ndarray], scenario: str) -> pd.DataFrame:
    cases, labels = volume_cases(reps, seed, [scenario])
    frames = []
    for offset in range(29):
        found = gates(cases, DAYS[ONSET + offset])
        q = [family_q(p, background[(offset + i) % len(background)])
             for i, p in enumerate(found["p"])]
        frames.append(found.assign(offset=offset, q=q))
    found = pd.concat(frames, ignore_index=True)
    found["base"] = [labels[m][1] for m in found["market"]]
    significant = found["q"] <= DEFAULTS.fdr
    flags = {"listed": significant & (found["short_rules"] | found["long_rules"]),
             "q alone": significant, "rules alone": found["short_rules"] | found["long_rules"],
             "short-test rules": found["short_rules"], "slow-rise rules": found["long_rules"],
             "q and short-test rules": significant & found["short_rules"],
             "q and slow-rise rules": significant & found["long_rules"]}
    out = {}
    for name, flag in flags.items():
        first = found[flag].groupby("market")["offset"].min().reindex(labels.keys()).fillna(29)
        out[name] = first.groupby(lambda m: labels[m][1]).median() + 1
    return pd.DataFrame(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/t300.duckdb")
    parser.add_argument("--reps", type=int, default=96)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    parser.add_argument("--bases", type=int, nargs="+", default=[5, 20],
                        help="cases a day of the series reported (of 5, 20, 50)")
    parser.add_argument("--scenario", default="ramp 21d")
    args = parser.parse_args(argv)
    background = demo_background(args.db)
    for seed in args.seeds:
        table = first_days(args.reps, seed, background, args.scenario)
        table = table.loc[[b for b in args.bases if b in table.index]]
        print(json.dumps({f"{args.scenario}, seed {seed}, median day (as the oracle counts)":
                          {f"{b}/day": row.to_dict() for b, row in table.iterrows()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
