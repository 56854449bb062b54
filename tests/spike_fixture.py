"""Segment counts in the shape of sql/marts/spike_counts_daily.sql, from cell-level counts."""
from __future__ import annotations

import pandas as pd

DIMENSIONS = ("market", "abuse_category", "source")


def grouping_sets(cells: pd.DataFrame, sets: list[tuple]) -> pd.DataFrame:
    """One row per segment × bucket for each grouping set (a dimension outside the set is None,
    meaning "all"), as the mart returns them."""
    frames = []
    for keys in sets:
        frame = cells.groupby(["bucket", *keys], as_index=False)["cases"].sum()
        frames.append(frame.assign(**{k: None for k in DIMENSIONS if k not in keys}))
    return pd.concat(frames, ignore_index=True)
