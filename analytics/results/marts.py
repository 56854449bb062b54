"""Heavy marts stored beside the database once per data version, for every app process.

The Vendors scorecard compares every vendor period since the first review, so its marts at the
page's default parameters (all markets) read the whole history: seconds at 10M cases, which
every fresh app process used to pay again on its first view. Like the detection results
(analytics/results/cache.py), they are stored in `.<db name>.results/` beside the database by
`python -m analytics precompute` (or by the first process that needs them) and read back by
every other process.

A stored frame is keyed on the data version, the mart's name and parameters, and a hash of the
bytes of its SQL file, so an edited query is never served an old answer. Only all-markets
parameters are stored: a market filter is one of many combinations, cheap enough to run, and
would crowd the defaults out of the store.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from analytics import db
from analytics.results import cache as results_cache

STORED = frozenset({"vendor_period_kpis", "vendor_mix_adjusted", "vendor_backlog_as_of"})
KEEP_PER_MART = 16   # a data version stores up to five backlogs (two per period and the latest)


def freeze(params: dict) -> tuple:
    """Parameters as a hashable, order-independent key (lists become tuples)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def thaw(frozen: tuple) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}


def sql_version(name: str) -> str:
    """A hash of the text of `sql/marts/<name>.sql`, as the process runs it."""
    return hashlib.sha256(db.sql_text(f"marts/{name}").encode("utf-8")).hexdigest()[:16]


def is_stored(name: str, params: dict) -> bool:
    """Whether `name(params)` is read through the store (a heavy mart over all markets)."""
    return name in STORED and params.get("markets") is None


def mart(version: tuple, name: str, **params) -> pd.DataFrame:
    """The rows of `sql/marts/<name>.sql` for database `version`, stored for every process."""
    def compute():
        with db.reader(Path(version[0])) as con:
            return db.query_df(con, f"marts/{name}", **params)
    return results_cache.load_or_compute(version, f"mart.{name}", freeze(params), compute,
                                         code=sql_version(name), keep=KEEP_PER_MART)


def query_for(version: tuple):
    """A `query(name, **params)` callable (analytics/vendors/report.py) over database `version`:
    the stored marts through the store, any other query run directly."""
    def run(name: str, **params) -> pd.DataFrame:
        if is_stored(name, params):
            return mart(version, name, **params)
        with db.reader(Path(version[0])) as con:
            return db.query_df(con, f"marts/{name}", **params)
    return run
