"""Cases × terms incidence (sparse, 0/1: a term counts once per case), built once per data set.

Summaries repeat a lot (templates, copy-paste, bots), so each distinct (summary, language) pair
is tokenised once; cases point at their pair. Surfaces (how a term was written) are kept per
pair and tallied only for the terms someone asks about, to show the most common spelling.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analytics.text_terms import extract_terms


@dataclass(frozen=True)
class TermIncidence:
    matrix: sparse.csr_matrix       # cases × terms, 1 where the case's summary has the term
    vocabulary: np.ndarray          # term keys (column order)
    text_of_case: np.ndarray        # index of each case's distinct (summary, language) pair
    text_terms: tuple[dict, ...]    # per distinct pair: {key: surface}

    def column(self, key: str) -> int:
        return int(np.flatnonzero(self.vocabulary == key)[0])

    def spellings(self, key: str, rows: np.ndarray | None = None) -> Counter:
        """How often each surface of `key` was written, over `rows` (cases; default all)."""
        col = self.matrix[:, self.column(key)] if rows is None else self.matrix[rows, self.column(key)]
        hit = col.nonzero()[0]
        texts = self.text_of_case[hit if rows is None else np.asarray(rows)[hit]]
        tally: Counter = Counter()
        for text, n in zip(*np.unique(texts, return_counts=True)):
            tally[self.text_terms[text][key]] += int(n)
        return tally

    def spelling(self, key: str, rows: np.ndarray | None = None) -> str:
        """The most common way `key` was written (the key itself if it never was)."""
        tally = self.spellings(key, rows)
        return tally.most_common(1)[0][0] if tally else key


def build_incidence(summaries: pd.Series, languages: pd.Series) -> TermIncidence:
    """The incidence of every case (rows in the order given)."""
    pairs = pd.DataFrame({"s": summaries.astype("str").fillna(""),
                          "l": languages.astype("str").fillna("")})
    codes, uniques = pd.MultiIndex.from_frame(pairs).factorize()
    text_terms = tuple(extract_terms(s, l or None) for s, l in uniques)
    vocabulary = sorted({k for terms in text_terms for k in terms})
    index = {k: i for i, k in enumerate(vocabulary)}
    rows = np.repeat(np.arange(len(text_terms)), [len(t) for t in text_terms])
    cols = np.fromiter((index[k] for terms in text_terms for k in terms), int, len(rows))
    per_text = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                 shape=(len(text_terms), len(vocabulary)))
    return TermIncidence(per_text[codes], np.array(vocabulary, dtype=object), codes, text_terms)
