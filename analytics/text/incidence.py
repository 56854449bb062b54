"""Cases × terms incidence (sparse, 0/1: a term counts once per case), built once per data set.

Summaries repeat a lot (templates, copy-paste, bots), so each distinct text is tokenised once and
the terms are kept per text (`text_matrix`, texts × terms); cases point at their text
(`text_of_case`). Every count over cases is a count of cases per text (a `bincount`) times the
text matrix, so millions of cases cost integer arithmetic, not a millions-row sparse matrix.
A text is a summary and how its language reads it: only Kazakh (`kk`, and `kk-latn`) changes how
words are keyed (text_terms.py), so "kk", "kk-latn" and every other language are three readings.
Surfaces (how a term was written) are kept per text and tallied only for the terms someone asks
about, to show the most common spelling.
"""
from __future__ import annotations

from collections import Counter
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from analytics.text.terms import KAZAKH_LATIN, extract_terms

DENSE_CELLS = 1 << 24  # groups × texts up to this are counted in a dense table
_READINGS = ("kk", KAZAKH_LATIN)  # languages that change keys; every other one reads as None


class TermIncidence:
    """Terms of each distinct text and the text of each case.

    `TermIncidence(case_matrix, vocabulary, text_of_case, text_terms)` (cases × terms) is kept
    for callers that slice an incidence by cases; `build_incidence` makes it from texts.
    `case_weights` lets one row stand for several cases (cells of cases sharing a text)."""

    def __init__(self, matrix: sparse.csr_matrix, vocabulary: np.ndarray, text_of_case: np.ndarray,
                 text_terms: tuple[dict, ...], *, per_text: bool = False,
                 case_weights: np.ndarray | None = None):
        self.vocabulary, self.text_terms = vocabulary, text_terms
        self.text_of_case, self.case_weights = np.asarray(text_of_case), case_weights
        if per_text:
            self.text_matrix = sparse.csr_matrix(matrix)
        else:   # each text's row is the row of a case carrying it (texts no case has stay empty)
            texts, first = np.unique(self.text_of_case, return_index=True)
            rows = np.full(len(text_terms), -1)
            rows[texts] = first
            picked = sparse.csr_matrix(matrix)[np.fmax(rows, 0)]
            self.text_matrix = sparse.diags((rows >= 0).astype(np.float32)) @ picked
            self.__dict__["matrix"] = matrix

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """Cases × terms (built on first use: at millions of cases it is large)."""
        return self.text_matrix[self.text_of_case]

    def column(self, key: str) -> int:
        return int(np.flatnonzero(self.vocabulary == key)[0])

    def text_weights(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Cases per text over `rows` (case indices or a boolean mask; default all)."""
        texts = self.text_of_case if rows is None else self.text_of_case[rows]
        weights = self.case_weights
        if weights is not None:
            weights = weights if rows is None else weights[rows]
        return np.bincount(texts, weights, minlength=self.text_matrix.shape[0]).astype(float)

    def counts(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Cases carrying each term over `rows`."""
        return self.text_matrix.T @ self.text_weights(rows)

    def grouped_counts(self, group: np.ndarray, n_groups: int, rows: np.ndarray,
                       terms: np.ndarray) -> np.ndarray:
        """Groups × `terms` cases carrying each term, over `rows`; `group` is each case's group."""
        n_texts = self.text_matrix.shape[0]
        weights = None if self.case_weights is None else self.case_weights[rows]
        if n_groups * n_texts <= DENSE_CELLS:   # few texts (templates): count in a dense table
            cells = np.bincount(group[rows] * n_texts + self.text_of_case[rows], weights,
                                minlength=n_groups * n_texts).reshape(n_groups, n_texts)
            return np.asarray(self.text_matrix[:, terms].T @ cells.T.astype(float)).T
        cells = sparse.csr_matrix((np.ones(len(rows)) if weights is None else weights,
                                   (group[rows], self.text_of_case[rows])),
                                  shape=(n_groups, n_texts))
        return (cells @ self.text_matrix[:, terms]).toarray()

    def co_counts(self, rows: np.ndarray, terms: np.ndarray) -> np.ndarray:
        """`terms` × `terms` cases (among `rows`) carrying both."""
        hits = self.text_matrix[:, terms]
        together = hits.T @ sparse.diags(self.text_weights(rows)) @ hits
        return together.toarray().astype(np.float32)   # whole counts, as a float32 matrix makes them

    def carrying(self, rows: np.ndarray, key_column: int) -> np.ndarray:
        """The cases of `rows` (indices, in order) whose text has the term."""
        has = self.text_matrix[:, key_column].toarray().ravel() > 0
        return rows[has[self.text_of_case[rows]]]

    def spellings(self, key: str, rows: np.ndarray | None = None) -> Counter:
        """How often each surface of `key` was written, over `rows` (cases; default all)."""
        weights = self.text_weights(rows)
        col = self.text_matrix[:, self.column(key)].toarray().ravel()
        tally: Counter = Counter()
        for text in np.flatnonzero((col > 0) & (weights > 0)):
            tally[self.text_terms[text][key]] += int(weights[text])
        return tally

    def spelling(self, key: str, rows: np.ndarray | None = None) -> str:
        """The most common way `key` was written (the key itself if it never was)."""
        tally = self.spellings(key, rows)
        return tally.most_common(1)[0][0] if tally else key


def value_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and the distinct values, numbered in order of first
    appearance (as `pd.factorize`), without copying categories. Arrow-backed strings (what
    `trends.load_cases` reads) are dictionary-encoded by Arrow: several times faster than a
    factorize at millions of rows."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(np.int64), np.asarray(values.cat.categories, dtype=object)
    if getattr(values.dtype, "storage", None) == "pyarrow" and len(values):
        data = values.array.__arrow_array__()   # the Arrow data itself (chunks, no copy)
        chunks = pc.dictionary_encode(pa.chunked_array(data)).unify_dictionaries().chunks
        indices = pa.chunked_array([c.indices for c in chunks], chunks[0].indices.type)
        codes = (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy()
        return codes.astype(np.int64), np.asarray(chunks[0].dictionary.to_pylist(), dtype=object)
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)



def build_incidence(summaries: pd.Series, languages: pd.Series,
                    language_codes: tuple[np.ndarray, np.ndarray] | None = None) -> TermIncidence:
    """The incidence of every case (rows in the order given). `summaries` may be categorical;
    `language_codes` (`value_codes(languages)`) may be passed when already at hand."""
    summary_code, summary_text = value_codes(summaries)
    language, names = language_codes if language_codes is not None else value_codes(languages)
    reading = np.array([_READINGS.index(n) + 1 if n in _READINGS else 0 for n in names] + [0])
    reading = reading[language]   # (a missing language, code -1, takes the last entry: 0)
    # texts numbered in order of first appearance, like a factorize of (summary, reading)
    codes, pairs = pd.factorize(summary_code * 3 + reading)
    readings = (None, *_READINGS)
    text_terms = tuple(extract_terms(summary_text[p // 3] if p >= 0 else "", readings[p % 3])
                       for p in pairs)
    vocabulary = sorted({k for terms in text_terms for k in terms})
    index = {k: i for i, k in enumerate(vocabulary)}
    rows = np.repeat(np.arange(len(text_terms)), [len(t) for t in text_terms])
    cols = np.fromiter((index[k] for terms in text_terms for k in terms), int, len(rows))
    per_text = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                 shape=(len(text_terms), len(vocabulary)))
    return TermIncidence(per_text, np.array(vocabulary, dtype=object), codes, text_terms,
                         per_text=True)
