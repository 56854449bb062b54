"""The knobs of trend detection, with their defaults and what they mean (docs/trends.md lists them).

Knobs are keyword-only and checked when set: a value out of range is a ValueError naming it.

>>> TrendSettings(fdr=5.0)
Traceback (most recent call last):
ValueError: TrendSettings: fdr must be in (0, 1], not 5.0
>>> from_knobs(DEFAULTS, {"fdr": 0.1}).fdr
0.1
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

# knob -> (lowest, highest, whether the lowest itself is allowed)
RANGES = {"fdr": (0.0, 1.0, False), "spike_share": (0.0, 1.0, False),
          "group_overlap": (0.0, 1.0, False), "hold_share": (0.0, 1.0, True),
          "min_growth": (0.0, math.inf, False), "term_min_growth": (0.0, math.inf, False),
          "z_cap": (0.0, math.inf, False), "cusum_h": (0.0, math.inf, False),
          "score_scale": (0.0, math.inf, False), "term_prior_cases": (0.0, math.inf, False),
          "term_prior_weight": (0.0, math.inf, False), "long_slope": (0.0, math.inf, True),
          # a baseline fit has 8 parameters (intercept, trend, 6 weekdays): it needs more days
          "baseline_days": (8, math.inf, False), "long_baseline_days": (8, math.inf, False),
          "recent_days": (0, math.inf, False), "long_recent_days": (0, math.inf, False),
          "persist_of": (0, math.inf, False), "term_persist_of": (0, math.inf, False)}


@dataclass(frozen=True, kw_only=True)
class TrendSettings:
    baseline_days: int = 42       # ESSENCE regression window (6 whole weeks)
    guard_days: int = 3           # days between the baseline and the day judged
    recent_days: int = 7          # short test: window after one fit ending `guard_days` before it
    short_windows: tuple[int, ...] = (3, 7)  # ... whose last days are summed and tested (Bonferroni)
    long_recent_days: int = 28    # slow-rise test: these last days ...
    long_baseline_days: int = 84  # ... against the 12 weeks before them
    long_slope: float = 2.0       # slow-rise test: day i of its n days weighs 1 + slope × i / n
    long_ramps: tuple[int, ...] = (28, 21, 14)  # ... and linear ramps begun these days ago (scan)
    z_active: float = 2.0         # a day is active above this standardised residual
    persist_need: int = 2         # persistence: active on `persist_need` ...
    persist_of: int = 3           # ... of the last `persist_of` days
    cusum_k: float = 0.5          # CUSUM reference value (in standard deviations)
    cusum_h: float = 4.0          # CUSUM alarm threshold
    z_cap: float = 4.0            # short test, CUSUM: a day adds at most this many sd
    fdr: float = 0.05             # Benjamini–Hochberg false-discovery rate per family
    min_excess: float = 5.0       # fewest excess cases a trend must have
    min_growth: float = 1.2       # segments: observed / expected at least this
    term_min_cases: int = 5       # a term is tested with this many cases in the last 28 days
    term_min_growth: float = 2.0  # terms: observed / expected at least this
    term_persist_of: int = 7      # terms (sparse counts): active on `term_hold_days` of these days
    term_hold_days: int = 3       # ... (a wording seen on fewer days is a burst, not a trend)
    term_prior_cases: float = 20  # shrinkage of a term's per-segment share toward its overall share
    term_prior_weight: float = 1.0  # log-odds prior: this many × the baseline's cases, at the
    #                                 term's share over the whole run (Monroe et al. 2008)
    group_overlap: float = 0.6    # terms sharing this share of cases form one trend
    spike_share: float = 0.6      # one day holding more of the excess than this is a spike
    hold_days: int = 4            # a segment trend holds on at least `hold_days` ...
    hold_of: int = 7              # ... of the last `hold_of` days: its `hold_days` weakest days
    hold_z: float = 1.0           # ... sum to at least this many sd (z of their sum) ...
    burst_margin: float = 4.0     # a day of the last `hold_of` more than this many sd above the
    #                               `hold_days`-th strongest of them is a burst's: tests skip it
    hold_share: float = 0.25      # ... and carry this share of the window's mean daily excess
    novelty_bonus: float = 0.5    # score multiplier 1 + bonus for brand-new segments and terms
    examples_per_language: int = 2
    score_scale: float = 10.0     # score = min(1, -log10(p_value) / score_scale), as for spikes

    def __post_init__(self):
        for f in fields(self):
            _check(f.name, getattr(self, f.name), f.default)
        for name, (low, high, low_ok) in RANGES.items():
            value = getattr(self, name)
            if not (low <= value if low_ok else low < value) or value > high:
                bounds = f"{'[' if low_ok else '('}{low:g}, {high:g}]"
                raise ValueError(f"TrendSettings: {name} must be in {bounds}, not {value!r}")
        if not self.short_windows or not all(0 < d <= self.recent_days for d in self.short_windows):
            raise ValueError(f"short_windows {self.short_windows} must be days within recent_days "
                             f"({self.recent_days})")
        if not all(0 < d <= self.long_recent_days for d in self.long_ramps):
            raise ValueError(f"long_ramps {self.long_ramps} must be days within long_recent_days "
                             f"({self.long_recent_days})")
        if not 0 < self.hold_days <= self.hold_of <= self.recent_days:
            raise ValueError(f"hold_days {self.hold_days} of hold_of {self.hold_of} must fit in "
                             f"recent_days ({self.recent_days})")

    @property
    def history_days(self) -> int:
        """How many days before the as-of day a run reads."""
        return max(self.long_recent_days + self.long_baseline_days,
                   self.baseline_days + self.guard_days + self.long_recent_days) + 1


def _check(name: str, value, default) -> None:
    """A knob has its default's type (an int knob a whole number, a float knob any number, a
    tuple of whole numbers); numbers are finite and not negative."""
    if isinstance(default, tuple):
        if not isinstance(value, tuple) or not all(_whole(v) for v in value):
            raise ValueError(f"TrendSettings: {name} must be a tuple of whole numbers, not {value!r}")
        return
    number = _whole(value) if isinstance(default, int) else (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value))
    if not number or value < 0:
        kind = "a whole number" if isinstance(default, int) else "a finite number"
        raise ValueError(f"TrendSettings: {name} must be {kind} >= 0, not {value!r}")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or (
        hasattr(value, "is_integer") and not isinstance(value, float) and bool(value.is_integer()))


DEFAULTS = TrendSettings()


def from_knobs(cfg: TrendSettings, knobs: dict) -> TrendSettings:
    """`cfg` with a detector's keyword knobs applied; an unknown knob is a ValueError."""
    unknown = sorted(set(knobs) - {f.name for f in fields(TrendSettings)})
    if unknown:
        raise ValueError(f"unknown trend setting(s) {unknown}; known: {[n for n, _ in describe()]}")
    return replace(cfg, **knobs) if knobs else cfg


def describe() -> list[tuple[str, object]]:
    """(name, default) for every setting, in order."""
    return [(f.name, f.default) for f in fields(TrendSettings)]
