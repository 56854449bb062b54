"""Spike detection: case-count and KPI series scored against a seasonal model, flagged buckets
grouped into events, events explained by their drivers, and triage verdicts.

`detect` (on a connection) and `detect_spikes` / `spike_events` (on frames) are the entry points;
`python -m analytics spikes` is the CLI (cli.py).
"""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "detect_spikes": "detect", "spike_events": "detect", "find_spikes": "detect",
    "SpikeSettings": "model", "detect": "triage", "detect_kpis": "triage",
    "drivers": "explain", "examples": "explain", "detect_kpi_spikes": "kpi_series",
    "score_continuous": "continuous", "ContinuousSettings": "continuous",
})
