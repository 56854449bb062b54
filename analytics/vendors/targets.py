"""Vendor targets (data/vendor_targets.toml) and the red/amber/green status against them.

A target belongs to a KPI of the registry and optionally to a vendor and a queue; the most
specific one wins (vendor and queue, vendor, queue, default). Status compares a value with its
target in the KPI's good direction: met is green, a miss within the amber band (a share of the
target) is amber, a bigger miss is red; no value or no target is "none". A rate, median or mean measured on fewer cases than
`min_cases` (vendor_targets.toml, default 30) is "few": shown greyed, never red or green.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import kpis, settings

TARGETS_PATH = settings.ROOT / "data" / "vendor_targets.toml"
STATUSES = ("red", "amber", "green", "few", "none")
MIN_CASES = 30   # default of vendor_targets.toml's min_cases
ANY = "*"


@dataclass(frozen=True)
class Targets:
    amber_band_pct: float
    at_risk_hours: float
    rows: pd.DataFrame       # vendor, queue, kpi, target ("*" = any vendor / queue)
    min_cases: int = MIN_CASES   # fewer cases than this: a rate or median has no status


def load_targets(path: Path = TARGETS_PATH) -> Targets:
    """The targets file as rows, defaults included as vendor = queue = "*"; checked up front."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    rows = [(ANY, ANY, name, float(value)) for name, value in raw.get("defaults", {}).items()]
    rows += [(t.get("vendor", ANY), t.get("queue", ANY), t["kpi"], float(t["value"]))
             for t in raw.get("target", [])]
    unknown = sorted({kpi for _, _, kpi, _ in rows} - set(kpis.KPIS))
    if unknown:
        raise ValueError(f"{path}: unknown KPI name(s) {unknown}; see analytics/kpis.py")
    band = float(raw.get("amber_band_pct", 5.0))
    if band < 0:
        raise ValueError(f"{path}: amber_band_pct must be >= 0, got {band}")
    least = raw.get("min_cases", MIN_CASES)
    if not isinstance(least, int) or isinstance(least, bool) or least < 0:
        raise ValueError(f"{path}: min_cases must be a whole number >= 0, got {least!r}")
    frame = pd.DataFrame(rows, columns=["vendor", "queue", "kpi", "target"])
    return Targets(band, float(raw.get("at_risk_hours", 4.0)), frame, least)


def attach_targets(frame: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """`frame` (vendor, queue, kpi; queue null = all queues) with the `target` that applies.

    >>> t = Targets(5.0, 4.0, pd.DataFrame({"vendor": ["*", "V", "*"], "queue": ["*", "*", "q"],
    ...     "kpi": ["qa_accuracy_pct"] * 3, "target": [90.0, 95.0, 80.0]}))
    >>> f = pd.DataFrame({"vendor": ["V", "W", "W"], "queue": [None, "q", None],
    ...                   "kpi": ["qa_accuracy_pct"] * 3})
    >>> attach_targets(f, t)["target"].tolist()
    [95.0, 80.0, 90.0]
    """
    out = frame.copy()
    keys = pd.DataFrame({"vendor": out["vendor"].astype(object),
                         "queue": out["queue"].astype(object).where(out["queue"].notna(), ANY),
                         "kpi": out["kpi"].astype(object)})
    # a history repeats each vendor, queue and KPI once per period: look each one up once
    combos = keys.drop_duplicates()
    codes = keys.groupby(["vendor", "queue", "kpi"], sort=False).ngroup().to_numpy()
    out["target"] = _targets_of(combos.reset_index(drop=True), targets)[codes]
    return out


def _targets_of(keys: pd.DataFrame, targets: Targets) -> np.ndarray:
    """The target of each (vendor, queue, kpi) row of `keys`, most specific rule first."""
    rules = {(v, q, k): t for v, q, k, t in targets.rows[["vendor", "queue", "kpi", "target"]]
             .itertuples(index=False)}
    found = [next((rules[rule] for rule in ((v, q, k), (v, ANY, k), (ANY, q, k), (ANY, ANY, k))
                   if rule in rules), np.nan) for v, q, k in keys.itertuples(index=False)]
    return np.asarray(found, dtype=float)


def shortfall_pct(value, target, higher_is_better) -> np.ndarray:
    """How far each value misses its target, in % of the target (<= 0: met; NaN: unknown).

    >>> shortfall_pct(np.array([85.5, 95.0, 600.0]), np.array([90.0, 90.0, 480.0]),
    ...               np.array([True, True, False])).round(1).tolist()
    [5.0, -5.6, 25.0]
    """
    value, target = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return sign * (target - value) / np.abs(target) * 100.0


def status(value, target, higher_is_better, amber_band_pct: float) -> np.ndarray:
    """red / amber / green per value; "none" without a value or a target.

    >>> status([90.0, 86.0, 85.0, None], [90.0] * 4, [True] * 4, 5.0).tolist()
    ['green', 'amber', 'red', 'none']
    """
    miss = shortfall_pct(np.array(value, dtype=float), target, higher_is_better)
    return np.select([np.isnan(miss), miss <= 0, miss <= amber_band_pct],
                     ["none", "green", "amber"], "red")
