"""NAB-only detectors: what bench/nab.py compares with the shipped p-value model.

Moved out of analytics/ (issue #15 point 7): the product never used them. The pages, CLI and
alerts score case counts with analytics/spikes/model.py's p-value and continuous KPI values with
analytics/spikes/continuous.py; these modes score only NAB.

- `likelihood` (likelihood.py): Numenta's anomaly likelihood over a change and a level stream,
  with `first_alerts` keeping one alert per incident.
- `context` (context.py): our reimplementation of CAD OSE's contextual score.
- `blend`: `context_weight` × context + the rest × likelihood (round 4's NAB default).

`scores(values, settings)` returns the score of a (series × time) matrix, NaN-padded, causal.
The settings are the former `likelihood_*` / `context_*` / `alert_gap` fields of SpikeSettings,
with their former defaults.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import context as nab_context
from . import likelihood as nab_likelihood

SCORINGS = ("likelihood", "context", "blend")


@dataclass(frozen=True, kw_only=True)
class NabSettings:
    scoring: str = "blend"           # likelihood | context | blend
    direction: str = "both"          # likelihood: level stream up, down or both
    likelihood_short: int = 5        # likelihood: buckets averaged into the recent level ...
    likelihood_history: int = 8640   # ... compared with this many earlier buckets' averages
    change_short: int = 1            # likelihood: buckets averaged into the recent jump
    alert_gap: int | tuple = 0       # likelihood: a score counts only if its z beats the last
    #                                  alert_gap buckets' (one int, or one per series)
    context_weight: float = 0.7      # blend: weight × context + (1 - weight) × likelihood
    context_rest: int | tuple = 0    # context: buckets silenced after a score >= context_threshold
    context_threshold: float = 0.75  # context: CAD OSE's base threshold
    # context: the value range its digits are read in. None = each series' own min and max over
    # the input (what NAB hands every detector; not causal), else (low, high)
    context_range: tuple | None = None

    def __post_init__(self):
        if self.scoring not in SCORINGS:
            raise ValueError(f"scoring must be one of {SCORINGS}, not {self.scoring!r}")


def likelihood_scores(values: np.ndarray, cfg: NabSettings) -> np.ndarray:
    """The anomaly likelihood, one alert per incident (z-ranked `alert_gap`)."""
    score, z = nab_likelihood.anomaly_likelihood(values, direction=cfg.direction,
                                                 short=cfg.likelihood_short,
                                                 history=cfg.likelihood_history,
                                                 change_short=cfg.change_short)
    return nab_likelihood.first_alerts(score, cfg.alert_gap, key=z)


def context_scores(values: np.ndarray, cfg: NabSettings) -> np.ndarray:
    """CAD OSE's contextual score in `context_range` (None: each series' own min and max)."""
    if cfg.context_range is None:
        seen = ~np.all(np.isnan(values), axis=1)
        low = np.where(seen, np.nanmin(np.where(seen[:, None], values, 0.0), axis=1), 0.0)
        high = np.where(seen, np.nanmax(np.where(seen[:, None], values, 1.0), axis=1), 1.0)
    else:
        low, high = cfg.context_range
    return nab_context.context_score_matrix(values, low=low, high=high,
                                            rest=np.asarray(cfg.context_rest),
                                            base_threshold=cfg.context_threshold)


def scores(values: np.ndarray, cfg: NabSettings = NabSettings()) -> np.ndarray:
    """Score in [0, 1] of every bucket of a (series × time) matrix under `cfg.scoring`."""
    values = np.asarray(values, dtype=float)
    if cfg.scoring == "likelihood":
        return likelihood_scores(values, cfg)
    score = context_scores(values, cfg)
    if cfg.scoring == "blend":
        score = cfg.context_weight * score + (1 - cfg.context_weight) * likelihood_scores(values, cfg)
    return score
