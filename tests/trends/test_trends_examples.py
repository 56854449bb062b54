"""A term trend's example cases when the export carries no language (the NYC 311 sample has none):
the examples were grouped by language, and rows without one were dropped, so none were shown."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.trends.wording import examples


def test_examples_without_a_language_column_value():
    cases = pd.DataFrame({"case_id": [f"C{i}" for i in range(6)],
                          "created_at": pd.date_range("2025-03-01", periods=6, freq="h"),
                          "language": pd.Series([None] * 4 + ["ru", "ru"], dtype="str"),
                          "market": ["KZ"] * 6})
    ids, languages, markets = examples(cases, np.arange(6), per_language=2)
    assert ids == ["C5", "C4", "C3", "C2"]   # newest first: two of each language, unknown included
    assert languages == ["ru"] and markets == ["KZ"]
