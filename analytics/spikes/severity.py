"""One severity scale for spike events, and the one sensitivity setting built on it.

An event's severity names how surprising its most surprising bucket was under the model:
its smallest p-value against fixed cut-offs (SCALE; every event is at least "low"). The
p-value is the model's predictive one (analytics/spikes/model.py: it carries the estimation
error of the level, season and spread), so the scale means the same on quiet and noisy
segments. The inbox, the alert digest and the CLI show these names, never raw p-values. The
user-facing setting ESCALATION_RADAR_SPIKE_SENSITIVITY moves the p-value a bucket needs on the
same scale: "low" sensitivity flags only high-severity surprises, "standard" from medium,
"high" from low. Volume and ratio floors (min_count, min_ratio) apply at every level.
What each level costs in false events and buys in recall: bench/sensitivity.py, docs/spikes.md.

>>> severity(3e-5), severity(2e-11), severity(0.002)
('medium', 'critical', 'low')
>>> knobs("standard")
{'alpha': 5e-05}
"""
from __future__ import annotations

import numpy as np

from analytics import settings

# (name, the largest p-value that has it), most severe first; "low" is every other event
SCALE = (("critical", 1e-9), ("high", 1e-6), ("medium", 5e-5))
# sensitivity -> alpha: the p-value a bucket needs (the SpikeSettings default is "standard")
LEVELS = {"low": 1e-6, "standard": 5e-5, "high": 1e-3}
DEFAULT = "standard"


def severity(p_value: float) -> str:
    """The name of an event's smallest p-value on the scale."""
    for name, cutoff in SCALE:
        if p_value <= cutoff:
            return name
    return "low"


def severities(p_values) -> list[str]:
    return [severity(p) for p in np.asarray(p_values, dtype=float)]


def knobs(level: str | None = None) -> dict:
    """SpikeSettings knobs of a sensitivity level (default: the setting)."""
    level = level or settings.get("ESCALATION_RADAR_SPIKE_SENSITIVITY")
    if level not in LEVELS:
        raise ValueError(f"spike sensitivity must be one of {sorted(LEVELS)}, not {level!r}")
    return {"alpha": LEVELS[level]}
