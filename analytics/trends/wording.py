"""Term trends as analysts see them: co-occurring terms grouped into one trend, labelled with the
most common spelling, with the languages and markets of the cases, and example cases.

Terms are grouped when they share at least `group_overlap` of the smaller one's recent cases
(union-find over the flagged terms). The label is the member with the most cases, the longest
phrase among near-ties (within 10%): "компенсацию за утечку" rather than "утечку".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.text.incidence import TermIncidence, value_codes
from analytics.text.terms import term_kind
from analytics.trends.settings import DEFAULTS, TrendSettings

MAX_FLAGGED = 300  # grouping is quadratic in flagged terms; the rest are too weak to show


def _groups(members: np.ndarray, overlap: float) -> np.ndarray:
    """Union-find over an overlap matrix: the group number of each term."""
    parent = list(range(len(members)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(members >= overlap, 1))):
        parent[find(i)] = find(j)
    return np.array([find(i) for i in range(len(members))])


def group_terms(flagged: pd.DataFrame, incidence: TermIncidence, recent_rows: np.ndarray,
                cfg: TrendSettings = DEFAULTS) -> pd.DataFrame:
    """`flagged` (term_statistics rows that are trends) with a `group` column added."""
    flagged = flagged.sort_values("priority", ascending=False).head(MAX_FLAGGED)
    together = incidence.co_counts(recent_rows, flagged["column"].to_numpy())
    sizes = np.diag(together)
    overlap = together / np.fmax(np.minimum.outer(sizes, sizes), 1)
    return flagged.assign(group=_groups(overlap, cfg.group_overlap), recent_cases=sizes)


def _label_row(members: pd.DataFrame) -> pd.Series:
    top = members["recent_cases"].max()
    near = members[members["recent_cases"] >= 0.9 * top]
    length = near["term_key"].map(lambda k: 10 * (term_kind(k) not in ("word", "phrase"))
                                  + k.count(" ") + len(k) / 1000)
    return near.loc[length.idxmax()]


def _values_at(values: pd.Series, rows: np.ndarray) -> list:
    """`values.iloc[rows].tolist()` for a few rows: an Arrow take over millions of rows in
    many chunks costs milliseconds per call, reading a handful of values does not."""
    if getattr(values.dtype, "storage", None) == "pyarrow" and len(rows) <= 64:
        data = values.array.__arrow_array__()
        return [np.nan if (v := data[int(i)].as_py()) is None else v for i in rows]
    return values.iloc[rows].tolist()


def _shares(code: np.ndarray, names: np.ndarray) -> pd.Series:
    """`value_counts(normalize=True)` of the labels behind `code` (-1 missing), by label."""
    share = pd.Series(code[code >= 0]).value_counts(normalize=True)
    return pd.Series(share.to_numpy(), index=names[share.index.to_numpy(np.int64)])


def examples(cases: pd.DataFrame, rows: np.ndarray, per_language: int,
             codes: dict | None = None) -> tuple[list, list, list]:
    """Example case ids (newest first, up to `per_language` in each language), the languages by
    share (at least 10% of the cases) and the top markets.

    Works on row numbers and integer codes (`codes`: column -> `value_codes`, computed when not
    given); only the chosen cases' ids are read."""
    codes = codes or {}
    language, languages = codes["language"] if "language" in codes else value_codes(cases["language"])
    market, markets = codes["market"] if "market" in codes else value_codes(cases["market"])
    rows = np.asarray(rows)
    picked = pd.DataFrame({"created_at": cases["created_at"].iloc[rows].array, "row": rows,
                           "language": np.where(language[rows] >= 0, language[rows], np.nan)})
    picked = picked.sort_values("created_at", ascending=False)
    # dropna: an export without languages still has examples (one group of unknown language)
    chosen = picked.groupby("language", sort=False, dropna=False).head(per_language)["row"].to_numpy()
    ids = _values_at(cases["case_id"], chosen)
    order = picked["row"].to_numpy()
    share = _shares(language[order], languages)
    by_market = _shares(market[order], markets)
    return ids, share[share >= 0.1].index.tolist(), by_market[by_market >= 0.1].index.tolist()[:3]


def term_trends(stats: pd.DataFrame, incidence: TermIncidence, cases: pd.DataFrame,
                recent_rows: np.ndarray, cfg: TrendSettings = DEFAULTS,
                codes: dict | None = None) -> pd.DataFrame:
    """One row per term trend (a group of co-occurring flagged terms); `codes` as `examples`."""
    flagged = stats[stats["is_anomaly"]]
    if flagged.empty:
        return pd.DataFrame()
    grouped = group_terms(flagged, incidence, recent_rows, cfg)
    out = []
    for _, members in grouped.groupby("group", sort=False):
        head = _label_row(members)
        carrying = incidence.carrying(recent_rows, int(head["column"]))
        ids, languages, markets = examples(cases, carrying, cfg.examples_per_language, codes)
        others = members.loc[members["term_key"] != head["term_key"]]
        others = others.sort_values(["recent_cases", "term_key"], ascending=[False, False])
        out.append(head.to_dict() | {
            "kind": "term", "term": incidence.spelling(head["term_key"], carrying),
            "term_kind": term_kind(head["term_key"]),
            "related_terms": [incidence.spelling(k, carrying) for k in others["term_key"][:7]], "term_keys": members["term_key"].tolist(),
            "score": members["score"].max(), "priority": members["priority"].max(),
            "languages": languages, "markets": markets,
            "examples": ids, "pattern": "new" if head["is_new"] else "rise"})
    return pd.DataFrame(out)
