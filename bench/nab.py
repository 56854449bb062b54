"""NAB v1.1 benchmark of the detector we ship for continuous KPI series, under NAB's rules.

    python bench/nab.py [--nab DIR] [--detector shipped|gaussian|counts|likelihood|context|blend|max]
                        [--set JSON] [--season weekday|none|weekhour|hour] [--corpus NAME] [--out DIR]

First the scorer is checked against the published scores of three reference detectors
(../shared/benchmarks/nab/reference). Then a detector runs causally over all 58 files:

- `shipped` (default): the detector the pages, CLI and alerts run on the product's continuous
  KPI series, the median first response (analytics/spikes/continuous.py via kpi_series.py
  `score_first_response`) with exactly the settings kpi_series runs it with at the default
  sensitivity (`kpi_series.continuous_settings()`: direction both — a KPI event says whether
  the median rose or fell —, warm-up 28 buckets, alpha 1e-8); season phase the hour of day, a
  cycle of one day (a daily KPI series': the weekday and a week). A row's score is
  -log10(p) / 300 where it alerts, else 0, so the NAB threshold is the detector's alpha;
  detections are the first buckets of events (flags at most `cooldown` = 2 buckets apart,
  analytics/spikes/events.py). `--set` overrides ContinuousSettings fields (e.g. {"windows":
  [1, 3]}; {"direction": "up"}: the KPI path before it alerted both ways; {"jump_cycles": 0}:
  round 8, before a one-bucket jump had to be new; {"warmup": "probation"}: each file's
  probationary period as the warm-up, round 6's figure).
- `gaussian`: the KPI path of rounds 3-5 (the gaussian family of `spike_model.score_matrix` over
  log1p(max(value, 0)), weekday season, direction up, flag = p <= alpha and value >= min_ratio ×
  expected on the log scale); an alert is the first bucket of an event; threshold = alpha, a
  row's score -log10(p) / 300. `--set` overrides SpikeSettings fields (e.g. {"cooldown": 12}).
- `counts`: the product's case-count detector (negative binomial, every SpikeSettings default,
  weekday season) on the values as counts; realTweets (tweets per 5 minutes) is the corpus it
  fits. Scored like `gaussian` (its big-spike rule flags count at the product's alpha).
- `likelihood`, `context`, `blend` (round 4's NAB default), `max`: the NAB-only detectors of
  bench/nab_detectors/ (not shipped), with their NAB settings; `--set` overrides NabSettings.

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
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analytics.spikes.continuous import (  # noqa: E402
    ContinuousSettings, decide, falls_settings, in_values, join_sides, log_values, seasonal_z)
from analytics.spikes import kpi_series, severity  # noqa: E402
from analytics.spikes.model import SpikeSettings, score_matrix  # noqa: E402
from nab_detectors import NabSettings  # noqa: E402
from nab_detectors import scores as nab_scores  # noqa: E402

NAB = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nab"
PROFILES = {"standard": (1.0, 0.11, 1.0), "reward_low_FP": (1.0, 0.22, 1.0),
            "reward_low_FN": (1.0, 0.11, 2.0)}   # A_TP, A_FP, A_FN
DETECTORS = ("shipped", "gaussian", "counts", "likelihood", "context", "blend", "max")
P_SCALE = 300.0          # shipped: score = -log10(p) / P_SCALE, so threshold th is alpha 10^(-300 th)
# NAB-only detectors (bench/nab_detectors): continuous values, both directions, one alert per
# incident: a likelihood score counts only if its z beats the previous alert_gap rows', with
# alert_gap = half of the file's probationary period (NAB hands every detector that period).
# Context: the file's min and max (NAB's inputMin/inputMax), a rest of a fifth of the
# probationary period after a score >= 0.75, as in NAB's own CAD OSE run. Blend: 0.7 × context +
# 0.3 × likelihood (one global weight tuned on NAB; 0.6-0.75 all give standard >= 64.8).
GAP_OF_PROBATION = 0.5
REST_OF_PROBATION = 0.2
NAB_SETTINGS = dict(direction="both", context_weight=0.7, context_threshold=0.75)


def f(y):
    return np.where(y > 3, -1.0, 2.0 / (1.0 + np.exp(5.0 * y)) - 1.0)


def event_starts(hits: np.ndarray, gap: int) -> np.ndarray:
    """The first of each run of `hits` (sorted row indices) whose steps are at most `gap`."""
    if not gap or not len(hits):
        return hits
    return hits[np.concatenate([[True], np.diff(hits) > gap])]


class File:
    def __init__(self, name: str, stamps: pd.Series, windows: list):
        self.name, self.corpus, self.n = name, name.split("/")[0], len(stamps)
        self.probation = min(int(np.floor(0.15 * self.n)), 750)
        ts = pd.to_datetime(stamps).to_numpy()
        self.left = np.searchsorted(ts, pd.to_datetime([w[0] for w in windows]).to_numpy(), "left")
        self.right = np.searchsorted(ts, pd.to_datetime([w[1] for w in windows]).to_numpy(), "right") - 1

    def hits(self, scores: np.ndarray, threshold: float, gap: int = 0) -> np.ndarray:
        """Rows detected at `threshold` after the probationary period; with `gap`, only the first
        row of each event (detections at most `gap` rows apart), the detector's own grouping."""
        hits = event_starts(np.flatnonzero(scores >= threshold), gap)
        return hits[hits >= self.probation]

    def raw(self, scores: np.ndarray, threshold: float, profile, gap: int = 0) -> float:
        a_tp, a_fp, a_fn = profile
        hits = self.hits(scores, threshold, gap)
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


def normalised(files: dict, scores: dict, threshold: float, profile, corpus=None,
               gap: int = 0) -> tuple[float, float]:
    chosen = [n for n in files if corpus is None or files[n].corpus == corpus]
    raw = sum(files[n].raw(scores[n], threshold, profile, gap) for n in chosen)
    n_windows = sum(len(files[n].left) for n in chosen)
    a_tp, _, a_fn = profile
    null, perfect = -a_fn * n_windows, a_tp * n_windows
    return raw, 100 * (raw - null) / (perfect - null) if n_windows else float("nan")


def best_threshold(files: dict, scores: dict, profile, gap: int = 0) -> tuple[float, float, float]:
    values = np.concatenate(list(scores.values()))
    candidates = np.unique(np.concatenate([np.quantile(values[values > 0], np.linspace(0, 1, 400))
                                           if (values > 0).any() else [], [1.0, 1.01]]))
    best = max(candidates, key=lambda th: normalised(files, scores, th, profile, None, gap)[0])
    return (best, *normalised(files, scores, best, profile, None, gap))


def detections(files: dict, scores: dict, threshold: float, gap: int = 0) -> tuple[int, int]:
    """(windows holding a detection, detections) at `threshold`."""
    windows = rows = 0
    for name, file in files.items():
        hits = file.hits(scores[name], threshold, gap)
        rows += len(hits)
        windows += sum(((hits >= l) & (hits <= r)).any() for l, r in zip(file.left, file.right))
    return windows, rows


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


def season(frames: dict, kind: str) -> np.ndarray:
    """Season phase of every row, NaN-padded like `padded`: the weekday (the product's daily
    KPI season), none, weekday × hour (the product's hourly phases) or the hour of day (the
    continuous detector's phase for buckets minutes apart)."""
    names, _, rows = padded(frames)
    out = np.zeros((len(names), max(rows)), dtype=np.int64)
    for i, name in enumerate(names):
        stamps = pd.DatetimeIndex(pd.to_datetime(frames[name]["timestamp"]))
        out[i, :rows[i]] = {"weekday": stamps.day_of_week, "none": np.zeros(rows[i], np.int64),
                            "weekhour": stamps.day_of_week * 24 + stamps.hour,
                            "hour": stamps.hour}[kind]
    return out


def gaussian_settings(**knobs) -> SpikeSettings:
    """The settings the product's KPI path scored with before the continuous detector (rounds
    3-5: the gaussian family of score_matrix on log1p seconds)."""
    return replace(SpikeSettings(**knobs), family="gaussian", min_count=-np.inf, min_ratio=1.0,
                   big_alpha=0.0)


def shipped_settings(knobs: dict) -> ContinuousSettings:
    """Exactly what kpi_series scores the median first response with at the default
    sensitivity (`continuous_settings`: direction both, warm-up 28 buckets, alpha 1e-8, every
    other ContinuousSettings default), with `--set` overrides; {"warmup": "probation"} gives
    each file its probationary period as the warm-up (round 6's figure); {"falls": "values"}
    scores falls on the values as rises are (before falls moved to the log scale)."""
    shipped = kpi_series.continuous_settings(SpikeSettings(**severity.knobs(severity.DEFAULT)))
    return replace(shipped, **{k: v for k, v in knobs.items()
                               if k != "falls" and (k != "warmup" or v != "probation")})


def shipped_scores(frames: dict, knobs: dict, kind: str = "hour") -> tuple[dict, float]:
    """The shipped continuous detector (analytics/spikes/continuous.py) with the settings the
    product's KPI series run (`shipped_settings`) over every file, as the median first response
    is scored (`score_positive`: rises on the values, falls on their log1p); the season phase
    is the hour of day (the buckets are minutes apart; a daily KPI series' is the weekday) and a
    cycle one day of buckets (a daily series': a week), the two properties of the data. Score
    -log10(p) / P_SCALE of the buckets that alert (the threshold is the alpha), else 0."""
    names, values, rows = padded(frames)
    phases = season(frames, kind)
    cycles = [86400 / pd.to_datetime(frames[n]["timestamp"]).diff().dt.total_seconds().median()
              for n in names]
    cfg = shipped_settings(knobs)
    on_values = knobs.get("falls") == "values" or cfg.direction == "up"
    rises_cfg = cfg if on_values else replace(cfg, direction="up")
    started = time.perf_counter()
    rises = seasonal_z(values, phases=phases, cycle=cycles, settings=rises_cfg)
    falls = None if on_values else seasonal_z(log_values(values), phases=phases, cycle=cycles,
                                              settings=falls_settings(cfg))
    score = np.zeros(values.shape)
    for i, n in enumerate(names):
        warmup = probation(rows[i]) if knobs.get("warmup") == "probation" else cfg.warmup

        def one(found, x, settings):
            part = {k: v[:, i:i + 1, :rows[i]] for k, v in found.items()}
            return decide(x[i:i + 1, :rows[i]], part, replace(settings, warmup=warmup))
        result = one(rises, values, rises_cfg)
        if falls is not None:
            result = join_sides(result, in_values(one(falls, log_values(values),
                                                      falls_settings(cfg))))
        with np.errstate(divide="ignore"):
            score[i, :rows[i]] = np.clip(-np.log10(np.fmax(result["alert_p"][0], 1e-300)) / P_SCALE, 0, 1)
    seconds = time.perf_counter() - started
    return {n: score[i, :rows[i]] for i, n in enumerate(names)}, seconds


def gaussian_scores(frames: dict, knobs: dict, kind: str = "weekday") -> tuple[dict, float]:
    """The KPI detector of rounds 3-5 over every file at once: score -log10(p) / P_SCALE where
    the product's ratio floor holds (value >= min_ratio × expected on the log scale), else 0."""
    names, values, rows = padded(frames)
    phases = season(frames, kind)
    started = time.perf_counter()
    logs = np.log1p(np.maximum(values, 0.0))
    result = score_matrix(logs, phases=phases, settings=gaussian_settings(**knobs))
    # kpi_series' ratio floor (a median >= min_ratio × expected); both directions: either side
    floor, rise = np.log(SpikeSettings(**knobs).min_ratio), logs - result["expected"]
    ratio_ok = rise >= floor if gaussian_settings(**knobs).direction == "up" else np.abs(rise) >= floor
    with np.errstate(divide="ignore"):
        p = np.fmax(np.nan_to_num(result["p_value"], nan=1.0), 1e-300)
        score = np.where(ratio_ok, np.clip(-np.log10(p) / P_SCALE, 0.0, 1.0), 0.0)
    seconds = time.perf_counter() - started
    return {n: score[i, :rows[i]] for i, n in enumerate(names)}, seconds


def count_scores(frames: dict, knobs: dict, kind: str = "weekday") -> tuple[dict, float]:
    """The product's case-count detector (negative binomial, SpikeSettings defaults: what the
    Spikes page runs on daily case counts) over every file's values as counts: score
    -log10(p) / P_SCALE where the volume and ratio floors hold, and at least the product
    alpha's score where the product flags the row (its big-spike rule at big_alpha)."""
    names, values, rows = padded(frames)
    phases = season(frames, kind)
    cfg = SpikeSettings(**knobs)
    started = time.perf_counter()
    result = score_matrix(values, phases=phases, settings=cfg)
    y, mu = np.nan_to_num(values), result["expected"]
    floors = (y >= cfg.min_count) & (y - mu >= (cfg.min_ratio - 1) * np.abs(mu))
    with np.errstate(divide="ignore"):
        p = np.fmax(np.nan_to_num(result["p_value"], nan=1.0), 1e-300)
        score = np.where(floors, np.clip(-np.log10(p) / P_SCALE, 0.0, 1.0), 0.0)
    score = np.where(result["is_anomaly"], np.maximum(score, -np.log10(cfg.alpha) / P_SCALE), score)
    seconds = time.perf_counter() - started
    return {n: score[i, :rows[i]] for i, n in enumerate(names)}, seconds


def _nab_chunk(args) -> np.ndarray:
    values, gap, rest, settings = args
    return nab_scores(values, NabSettings(**json.loads(str(settings[0])),
                                          alert_gap=tuple(int(g) for g in gap),
                                          context_rest=tuple(int(r) for r in rest)))


def nab_detector_scores(frames: dict, detector: str, knobs: dict, jobs: int) -> tuple[dict, float]:
    """A NAB-only detector (bench/nab_detectors), files split over `jobs` processes; `max` is the
    larger of context and likelihood per row."""
    if detector == "max":
        context, seconds = nab_detector_scores(frames, "context", knobs, jobs)
        likelihood, more = nab_detector_scores(frames, "likelihood", knobs, jobs)
        return {n: np.maximum(context[n], likelihood[n]) for n in frames}, seconds + more
    settings = NAB_SETTINGS | knobs | {"scoring": detector}
    def per_file(rows, values):
        gaps = [max(int(probation(r) * GAP_OF_PROBATION), 1) for r in rows]
        rests = [int(probation(r) * REST_OF_PROBATION) for r in rows]
        return [gaps, rests, [json.dumps(settings)] * len(rows)]
    return timed_scores(frames, _nab_chunk, per_file, jobs)


def scored(frames: dict, detector: str, knobs: dict, kind: str, jobs: int) -> tuple[dict, float, str, int]:
    """(scores per file, seconds, the settings to list beside the score, the event gap)."""
    if detector == "shipped":
        scores, seconds = shipped_scores(frames, knobs, "hour" if kind == "weekday" else kind)
        cfg = shipped_settings(knobs)
        warmup = ("each file's probationary period" if knobs.get("warmup") == "probation"
                  else f"{cfg.warmup} buckets")
        return scores, seconds, (f"shipped continuous KPI detector (analytics/spikes/continuous.py), "
                                 f"season hour of day, the KPI series' settings {cfg}, warm-up "
                                 f"{warmup}"), SpikeSettings().cooldown + 1
    if detector == "gaussian":
        scores, seconds = gaussian_scores(frames, knobs, kind)
        cfg = gaussian_settings(**knobs)
        return scores, seconds, (f"rounds 3-5 KPI detector (gaussian family), season {kind}, "
                                 f"SpikeSettings overrides {knobs or 'none'} (halflife "
                                 f"{cfg.halflife}, warmup {cfg.warmup}, cooldown {cfg.cooldown}, "
                                 f"min_ratio {SpikeSettings(**knobs).min_ratio}, direction "
                                 f"{cfg.direction})"), cfg.cooldown + 1
    if detector == "counts":
        scores, seconds = count_scores(frames, knobs, kind)
        cfg = SpikeSettings(**knobs)
        return scores, seconds, (f"shipped case-count detector (negbin), season {kind}, "
                                 f"SpikeSettings overrides {knobs or 'none'}"), cfg.cooldown + 1
    scores, seconds = nab_detector_scores(frames, detector, knobs, jobs)
    return scores, seconds, (f"NAB-only {detector}, {NAB_SETTINGS | knobs}, alert_gap "
                             f"{GAP_OF_PROBATION} and context rest {REST_OF_PROBATION} × each "
                             f"file's probationary period"), 0


def alpha_of(threshold: float) -> str:
    return (f"alpha 1e-{threshold * P_SCALE:.1f}" if threshold <= 1.0
            else "no alpha: never alerting (the null detector) scores best")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nab", type=Path, default=NAB)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--detector", choices=DETECTORS, default="shipped")
    parser.add_argument("--set", default="{}", help='JSON overrides: ContinuousSettings fields '
                        '(shipped), SpikeSettings fields (gaussian, counts) or NabSettings fields (the NAB-only detectors), e.g. {"cooldown": 12}')
    parser.add_argument("--season", choices=("weekday", "none", "weekhour", "hour"), default="weekday",
                        help="gaussian, counts: the season phase of a row (weekday: the daily KPI "
                        "series'); shipped: hour of day unless given")
    parser.add_argument("--corpus", action="append", default=None,
                        help="only these corpora (repeatable; a quick subset while developing)")
    parser.add_argument("--jobs", type=int, default=2, help="NAB-only detectors: processes the files are split over")
    args = parser.parse_args(argv)
    frames, files = load(args.nab)
    if args.corpus:
        frames = {n: f for n, f in frames.items() if n.split("/")[0] in args.corpus}
        files = {n: files[n] for n in frames}
    else:
        check_reference(args.nab, files)
    knobs = json.loads(args.set)
    cpu = time.process_time()   # the wall time on a shared machine is mostly waiting for a core
    scores, seconds, described, gap = scored(frames, args.detector, knobs, args.season, max(args.jobs, 1))
    cpu = time.process_time() - cpu
    print(f"\n{args.detector}: {sum(len(f) for f in frames.values()):,} rows scored in {seconds:.1f} s "
          f"({cpu:.1f} s of CPU in this process; load {os.getloadavg()[0]:.1f}); {described}")
    if gap:
        print(f"  detections: the first row of each event (flags at most {gap - 1} rows apart); "
              f"the threshold is the alpha")
    for name, profile in PROFILES.items():
        th, raw, score = best_threshold(files, scores, profile, gap)
        where = (alpha_of(th) if args.detector in ("shipped", "gaussian", "counts")
                 else f"threshold {th:.4f}")
        hits, rows = detections(files, scores, th, gap)
        print(f"  {name:14s} {score:6.2f} (raw {raw:7.2f} at {where}; {hits} of "
              f"{sum(len(f.left) for f in files.values())} windows detected, {rows} detections)")
        if name == "standard":
            for corpus in sorted({f.corpus for f in files.values()}):
                print(f"      {corpus:22s} {normalised(files, scores, th, profile, corpus, gap)[1]:7.2f}")
    if args.detector in ("shipped", "gaussian", "counts") and "alpha" not in knobs:
        alpha = shipped_settings({}).alpha if args.detector == "shipped" else SpikeSettings().alpha
        th = -np.log10(alpha) / P_SCALE
        hits, rows = detections(files, scores, th, gap)
        print(f"  at the product's own {alpha_of(th)}: " + ", ".join(
            f"{name} {normalised(files, scores, th, profile, None, gap)[1]:.2f}"
            for name, profile in PROFILES.items()) + f"; {hits} windows detected, {rows} detections; "
            f"realTweets (standard) {normalised(files, scores, th, PROFILES['standard'], 'realTweets', gap)[1]:.2f}")
    if args.out:
        for name, frame in frames.items():
            corpus, file = name.split("/")
            path = args.out / corpus / f"{args.detector}_{file}"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.assign(anomaly_score=scores[name]).to_csv(path, index=False)
        print(f"wrote {len(frames)} CSVs under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
