"""New wording: terms whose share of cases rises against their own baseline, grouped into trends.

A term's expected count on a day is what the day's case mix predicts: its baseline share within
each category × language (shrunk toward its overall share) times that day's cases there. So a
term that rises only because its category rises is explained by the segment trend, and a term
never seen before expects almost nothing. The surprise of the recent window is a
negative-binomial tail (day-to-day over-dispersion of the common terms' rates, from the baseline days); a trend also needs the persistence
rule (beyond expectation on 2 of the last 7 days, or on 3 of the last 28 and
once in the last 7 for a slow rise: term counts are sparse), growth, and excess cases, and must
not be one day's burst. Benjamini–Hochberg runs over every term tested. Terms found in the
same cases (overlap >= `group_overlap` of the smaller) become one trend.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analytics.text.incidence import TermIncidence, value_codes
from analytics.trends import stats as ts
from analytics.trends.settings import DEFAULTS, TrendSettings, from_knobs


def _share(incidence, mix_code, n_mix, rows, terms, cfg: TrendSettings) -> np.ndarray:
    """Mix × terms baseline share of cases carrying each term, shrunk toward its overall share."""
    hits = incidence.grouped_counts(mix_code, n_mix, rows, terms)
    sizes = np.bincount(mix_code[rows], minlength=n_mix).astype(float)
    overall = (hits.sum(0) + 0.5) / (sizes.sum() + 1.0)
    return (hits + cfg.term_prior_cases * overall) / (sizes[:, None] + cfg.term_prior_cases)


def log_odds(y_recent, n_recent, y_background, n_background, prior_share,
             prior_size: float = 500.0) -> np.ndarray:
    """z of the log-odds ratio of a term's per-case rate, recent against background, with an
    informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"): `prior_size`
    pseudo-cases at the term's `prior_share`. A term counts once per case, so `y / n` is the share
    of cases carrying it: doubling both `y` and `n` leaves z where it was.

    >>> float(np.round(log_odds(20, 2000, 10, 1000, 0.01), 6))
    0.0
    """
    y_r, n_r, y_b, n_b = (np.asarray(v, float) for v in (y_recent, n_recent, y_background, n_background))
    alpha = prior_size * np.clip(np.asarray(prior_share, float), 1e-9, 1 - 1e-9)
    a_r, a_b = y_r + alpha, y_b + alpha
    rest_r = np.fmax(n_r + prior_size - a_r, 1e-9)
    rest_b = np.fmax(n_b + prior_size - a_b, 1e-9)
    delta = np.log(a_r / rest_r) - np.log(a_b / rest_b)
    return delta / np.sqrt(1 / a_r + 1 / rest_r + 1 / a_b + 1 / rest_b)


def _window_test(counts, expected, window: slice, dispersion, cases, base: slice, share,
                 cfg: TrendSettings) -> dict:
    """The window's count against its mix expectation (NB tail), and its per-case rate against
    the baseline's rate in the window's category × language mix (log-odds z; one-sided p)."""
    observed, exp = counts[window].sum(0), expected[window].sum(0)
    n_recent, n_base = float(cases[window].sum()), float(cases[base].sum())
    rate = exp / max(n_recent, 1.0)   # the baseline's per-case rate, in the window's mix
    z = log_odds(observed, n_recent, rate * n_base, n_base, share,
                 cfg.term_prior_weight * max(n_base, 1.0))
    return {"observed": observed, "expected": exp, "z": z,
            "p": ts.count_pvalue(observed, exp, exp + dispersion * (expected[window] ** 2).sum(0))}


def _dispersion(counts, expected) -> float:
    """Day-to-day over-dispersion shared by all terms, as a negative binomial's (variance =
    mean + kappa × mean²: a term's day-to-day rate varies by about sqrt(kappa)), from the terms
    seen at least once a day on average (a term's own rise would inflate its own). A rate that
    varies by 30 % makes a word seen 100 times a day vary by ±30 cases, but a brand-new word
    expected at 0.01 a day still by Poisson noise: a quasi-Poisson factor (variance = phi ×
    mean, as before) charged the common words' day-to-day swings to new wording and delayed it."""
    mean = expected.mean(0)
    common = mean >= 1.0
    if not common.any():
        return 0.0
    excess = ((counts - expected) ** 2 - expected)[:, common].sum(0)
    kappa = excess / np.fmax((expected[:, common] ** 2).sum(0), 1e-9)
    return float(np.clip(np.median(kappa), 0.0, 4.0))


def _tested_terms(incidence, recent_rows, cfg: TrendSettings) -> np.ndarray:
    return np.flatnonzero(incidence.counts(recent_rows) >= cfg.term_min_cases)


def _daily_counts(incidence, cases, as_of, cfg: TrendSettings):
    n_days = cfg.history_days
    first = as_of - pd.Timedelta(days=n_days - 1)
    day = (pd.to_datetime(cases["created_date"]) - first).dt.days.to_numpy()
    inside = (day >= 0) & (day < n_days)
    day = np.where(inside, day, 0)
    terms = _tested_terms(incidence, np.flatnonzero(inside & (day >= n_days - cfg.long_recent_days)), cfg)
    rows = np.flatnonzero(inside)
    counts = incidence.grouped_counts(day, n_days, rows, terms)
    return day, inside, terms, counts, first


def _mix_codes(cases: pd.DataFrame, codes: dict | None = None) -> tuple[np.ndarray, int]:
    """Each case's category × language mix, numbered in order of first appearance; a case with
    no category or no language is in one mix of its own. `codes` (column -> `value_codes`)
    may be passed when already at hand (any numbering of the values gives the same mixes)."""
    codes = codes or {}
    got = {c: codes[c] if c in codes else value_codes(cases[c])
           for c in ("market", "abuse_category", "language")}
    (market, markets), (category, categories), (language, languages) = got.values()
    cell = (market * (len(categories) + 1) + category) * (len(languages) + 1) + language
    pair = np.where((market < 0) | (category < 0) | (language < 0), -1, cell)
    mix, names = pd.factorize(pair)
    return mix, len(names)


def _expected_from(incidence, mix: tuple[np.ndarray, int], day, inside, terms,
                   base: tuple[int, int], cfg) -> np.ndarray:
    """Days × terms counts the day's category × language mix predicts from the `base` days."""
    mix_code, n_mix = mix
    rows = np.flatnonzero(inside & (day >= base[0]) & (day < base[1]))
    share = _share(incidence, mix_code, n_mix, rows, terms, cfg)
    daily_mix = np.bincount(day[inside] * n_mix + mix_code[inside],
                            minlength=cfg.history_days * n_mix).reshape(cfg.history_days, n_mix)
    return daily_mix.astype(float) @ share


def term_statistics(incidence: TermIncidence, cases: pd.DataFrame, as_of, *,
                    cfg: TrendSettings = DEFAULTS, codes: dict | None = None,
                    **knobs) -> pd.DataFrame:
    """One row per term with `term_min_cases` cases in the last `long_recent_days`, tested, in
    vocabulary order; `is_anomaly` marks the trends, `score` is the 0-1 surprise of `p_value`
    and `priority` ranks. `codes` (column -> `value_codes`) may be passed when already at
    hand; `knobs`: TrendSettings fields over `cfg`."""
    cfg = from_knobs(cfg, knobs)
    as_of = pd.Timestamp(as_of).normalize()
    day, inside, terms, counts, first = _daily_counts(incidence, cases, as_of, cfg)
    n = cfg.history_days
    short_base = (n - cfg.recent_days - cfg.guard_days - cfg.baseline_days, n - cfg.recent_days - cfg.guard_days)
    long_base = (n - cfg.long_recent_days - cfg.long_baseline_days, n - cfg.long_recent_days)
    mix = _mix_codes(cases, codes)
    e_short = _expected_from(incidence, mix, day, inside, terms, short_base, cfg)
    e_long = _expected_from(incidence, mix, day, inside, terms, long_base, cfg)
    dispersion = _dispersion(counts[slice(*short_base)], e_short[slice(*short_base)])
    daily_cases = np.bincount(day[inside], minlength=n).astype(float)
    share = (counts.sum(0) + 0.5) / (daily_cases.sum() + 1.0)   # the prior: over the whole run
    short = _window_test(counts, e_short, slice(n - cfg.recent_days, None), dispersion,
                         daily_cases, slice(*short_base), share, cfg)
    long = _window_test(counts, e_long, slice(n - cfg.long_recent_days, None), dispersion,
                        daily_cases, slice(*long_base), share, cfg)
    use_short = short["p"] <= long["p"]
    expected = np.where(use_short[None, :], e_short, e_long)
    p = np.minimum(1.0, 2 * np.minimum(short["p"], long["p"]))
    active = (counts > 0) & (ts.count_pvalue(counts, expected, expected + dispersion * expected ** 2) < 0.05)
    lately = active[-cfg.term_persist_of:].sum(0)
    persist = np.where(use_short, lately >= cfg.term_hold_days,
                       (active[-cfg.long_recent_days:].sum(0) > cfg.persist_need) & (lately > 0))
    width = np.where(use_short, cfg.recent_days, cfg.long_recent_days)
    in_window = np.arange(n)[:, None] >= n - width[None, :]
    since = np.argmax(active & in_window, axis=0)  # the first active day of the tested window
    out = pd.DataFrame({"term_key": incidence.vocabulary[terms], "column": terms,  # noqa: E501
                        "observed": np.where(use_short, short["observed"], long["observed"]),
                        "expected": np.where(use_short, short["expected"], long["expected"]),
                        "p_value": p, "q_value": ts.benjamini_hochberg(p),
                        "log_odds_z": np.where(use_short, short["z"], long["z"]),
                        "is_new": counts[: n - cfg.recent_days].sum(0) == 0,
                        "window_days": width,
                        "since": (first + pd.to_timedelta(since, "D")).date})
    out["excess"] = out["observed"] - out["expected"]
    out["growth"] = out["observed"] / np.fmax(out["expected"], 0.5)
    # (no "one day holds most of the excess" rule: seen on `term_hold_days` days already keeps
    # one- and two-day bursts out, and new wording often starts with a copy-pasted clump)
    out["is_anomaly"] = (persist & (out["q_value"] <= cfg.fdr)
                         & (out["excess"] >= cfg.min_excess)
                         & (out["growth"] >= cfg.term_min_growth))
    out["score"] = ts.bounded_score(p, cfg.score_scale)
    # ranked by the change of the per-case rate: the log-odds z's surprise (an unchanged rate
    # scores ~0 at any volume) times the excess cases that change makes in the window
    z = out["log_odds_z"].to_numpy()
    surprise = np.minimum(-np.log10(np.fmax(stats.norm.sf(z), 1e-300)), 30.0)
    out["priority"] = surprise * out["excess"].clip(lower=0) * (1 + cfg.novelty_bonus * out["is_new"])
    out["sparkline"] = list(counts[-28:].T.astype(int))
    return out
