"""Context scoring: a streaming reimplementation of the Contextual Anomaly Detector (CAD OSE).
A NAB-only detector (bench/nab.py), not shipped.

The algorithm is Mikhail Smirnov's "Contextual Anomaly Detector, Open Source Edition" (2016,
https://github.com/smirmik/CAD; shipped in numenta/NAB as nab/detectors/context_ose/cad_ose.py
and context_operator.py, GNU AGPL v3). This module is our own implementation of the published
algorithm, written from its description and reference source; no code was copied.

Each bucket's value is quantised into `bits` binary digits of its position in [low, high]; each
digit is a "fact". A *context* is a pair (left facts, right facts): the facts of the previous
bucket (its digits plus the ids of the contexts active then, the "neurons") and the digits that
followed. Every new transition is remembered as a zero-level context; crossing the facts seen
with the remembered contexts creates narrower contexts (at most `max_left` left facts). A bucket
is predicted by the contexts whose left part the previous bucket fully holds, best
hit rate first; if its digits were all predicted, its score is 0. Otherwise
    score = (1 - share of the fully-held contexts whose right part also matched
             + share of the candidate contexts that were new) / 2,
and after a score >= `base_threshold` the detector rests (reports 0) for `rest` buckets.
Causal by construction: a bucket's score uses itself and earlier buckets only.

The scores equal numenta's published CAD OSE output (tests/spikes/test_spike_context.py). To get
there, two quirks of the reference are kept: ties among equally active contexts are broken by
Python 2's tuple hash (`tuple_hash`; the reference ran on Python 2), and context 0 is skipped
whenever no new transition was seen (the reference compares a context id with `False`).
Speed, same results: the reference walks every semi-context at every bucket; here only the
fully held left semi-contexts are visited (found through their last fact, cached per fact set)
plus, on a new transition, the zero-level ones sharing a fact, and the per-context counters
are numpy arrays updated at once. Semi-contexts are keyed by their fact tuple, not its hash.
"""
from __future__ import annotations

import numpy as np

NEURON = 2**31           # neuron facts are context ids offset past every sensor fact
MASK = (1 << 64) - 1
SENSOR = 65536           # sensor facts: SENSOR + 2 × digit position + digit value


class _Contexts:
    """Per-context counters as growable numpy arrays, so a step updates them all at once."""
    INT = ("seen", "hits", "activations", "left", "right", "left_hash", "right_hash")

    def __init__(self, capacity: int = 1024):
        self.n = 0
        for name in self.INT:
            setattr(self, name, np.zeros(capacity, dtype=np.int64))
        self.zero_level = np.zeros(capacity, dtype=bool)

    def add(self, lid: int, rid: int, zero_level: bool, left_hash: int, right_hash: int) -> int:
        if self.n == len(self.seen):
            for name in (*self.INT, "zero_level"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros_like(old)]))
        cid, self.n = self.n, self.n + 1
        self.seen[cid] = self.hits[cid] = self.activations[cid] = 0
        self.left[cid], self.right[cid], self.zero_level[cid] = lid, rid, zero_level
        self.left_hash[cid], self.right_hash[cid] = left_hash, right_hash
        return cid


class ContextMemory:
    """The context memory of one series, stepped one bucket at a time."""

    def __init__(self, *, max_left: int = 7, max_active: int = 15):
        self.max_left, self.max_active = max_left, max_active
        self.left_ids, self.right_ids = {}, {}        # fact tuple -> semi-context id
        self.left_facts, self.left_contexts = [], []  # left id -> facts, {right id: context id}
        self.left_size = np.zeros(1024, dtype=np.int64)
        self.right_facts, self.right_size = [], np.zeros(1024, dtype=np.int64)
        self.right_index = {}                         # fact -> right semi-context ids holding it
        self.zero_lefts, self.zero_index = set(), {}  # left ids with a zero-level context, by fact
        self.left_sets, self.left_anchor = [], {}     # left id -> fact set; last fact -> (id, set)
        self.full_cache = {}                          # facts -> (left ids checked, ids held)
        self.contexts = _Contexts()
        self.selected = np.zeros(0, dtype=np.int64)   # ... and their contexts, when crossed
        self.crossed_count = 0                        # left semi-contexts when they were crossed
        self.previous = ()                            # last bucket's facts (digits + neurons)
        self.predicted = frozenset()

    def _left(self, facts: tuple) -> int:
        lid = self.left_ids.get(facts)
        if lid is None:
            lid = self.left_ids[facts] = len(self.left_facts)
            self.left_facts.append(facts)
            self.left_contexts.append({})
            if lid == len(self.left_size):
                self.left_size = np.concatenate([self.left_size, np.zeros_like(self.left_size)])
            self.left_size[lid] = len(facts)
            self.left_sets.append(frozenset(facts))
            self.left_anchor.setdefault(facts[-1], []).append((lid, self.left_sets[-1]))
        return lid

    def _right(self, facts: tuple) -> int:
        rid = self.right_ids.get(facts)
        if rid is None:
            rid = self.right_ids[facts] = len(self.right_facts)
            self.right_facts.append(frozenset(facts))
            if rid == len(self.right_size):
                self.right_size = np.concatenate([self.right_size, np.zeros_like(self.right_size)])
            self.right_size[rid] = len(facts)
            for fact in facts:
                self.right_index.setdefault(fact, []).append(rid)
        return rid

    def remember(self, left: tuple, right: tuple, zero_level: bool) -> int | None:
        """The id of a context that is new (None if it was known; a known one met as a
        zero-level transition is marked zero-level)."""
        lid, rid = self._left(left), self._right(right)
        if zero_level and lid not in self.zero_lefts:
            self.zero_lefts.add(lid)
            for fact in left:
                self.zero_index.setdefault(fact, []).append(lid)
        known = self.left_contexts[lid].get(rid)
        if known is not None:
            if zero_level:
                self.contexts.zero_level[known] = True
            return None
        cid = self.left_contexts[lid][rid] = self.contexts.add(lid, rid, zero_level,
                                                              tuple_hash(left), tuple_hash(right))
        return cid

    @staticmethod
    def _cross(facts: tuple, index: dict) -> dict:
        """semi-context id -> the facts of `facts` it holds, in `facts` order."""
        shared = {}
        for fact in facts:
            for sid in index.get(fact, ()):
                shared.setdefault(sid, []).append(fact)
        return shared

    def step(self, digits: tuple) -> tuple[float, float]:
        """Learn one bucket's digit facts; (share of the selected contexts that were active,
        share of the candidate contexts that were new), the two halves of the score."""
        candidates = set()
        new_zero = None
        if self.previous and digits:
            candidates.add((self.previous, digits))
            new_zero = self.remember(self.previous, digits, True)
        is_new = new_zero is not None
        right_shared = self._cross(digits, self.right_index)
        active, selected, proposed = self._update(right_shared, new_zero, is_new)
        candidates.update(proposed)
        neurons = [NEURON + cid for cid in active[-self.max_active:].tolist()]
        self.previous = tuple(sorted(set(digits).union(neurons)))
        # a repeated proposal is known by its second time: remember each one once
        added = sum(self.remember(left, right, False) is not None
                    for left, right in dict.fromkeys(proposed))
        self._predict()
        added += is_new
        active_share = len(active) / selected if selected else 0.0
        new_share = added / len(candidates) if is_new and candidates else 0.0
        return active_share, new_share

    def _update(self, right_shared: dict, new_zero, is_new: bool):
        """Count each context of the left semi-contexts held in full at the last crossing as
        seen, and as hit where its right part matched; fully matched ones are active (in
        the reference's order: activations, left hash, right hash). On a new transition,
        partly matched zero-level contexts are proposed as new contexts."""
        c = self.contexts
        sel = self.selected
        if not is_new:      # the reference skips context 0 then (its `False != 0` is false)
            sel = sel[sel != 0]
        matched = np.zeros(len(self.right_facts), dtype=np.int64)
        for rid, facts in right_shared.items():
            matched[rid] = len(facts)
        rids = c.right[sel]
        k, size = matched[rids], self.right_size[rids]
        c.seen[sel] += size
        c.hits[sel] += k
        whole = k == size
        ids = sel[whole]
        c.activations[ids] += 1
        active = ids[np.lexsort((ids, c.right_hash[ids], c.left_hash[ids], c.activations[ids]))]
        proposed = self._proposals(right_shared, sel[(k > 0) & ~whole], new_zero) if is_new else []
        return active, len(sel), proposed

    def _proposals(self, right_shared: dict, partly_right: np.ndarray, new_zero: int) -> list:
        """(left facts, right facts) candidate contexts, in the reference's order (left id,
        then context id): the shared facts of partly matched zero-level contexts."""
        c = self.contexts
        found = []
        for cid in partly_right[c.zero_level[partly_right]].tolist():
            lid = int(c.left[cid])
            if self.left_size[lid] <= self.max_left:
                right = tuple(right_shared[int(c.right[cid])])
                found.append((lid, cid, self.left_facts[lid], right))
        shared = self._cross(self.previous, self.zero_index)
        for lid, facts in shared.items():
            partial = len(facts) < self.left_size[lid] and len(facts) <= self.max_left
            if lid >= self.crossed_count or not partial:
                continue
            for rid, cid in self.left_contexts[lid].items():
                if cid != new_zero and rid in right_shared and c.zero_level[cid]:
                    found.append((lid, cid, tuple(facts), tuple(right_shared[rid])))
        found.sort()    # (left id, context id) is unique: the facts never decide the order
        return [(left, right) for _, _, left, right in found]

    def _predict(self) -> None:
        """Find the left semi-contexts the new left facts hold in full; the right facts of
        their contexts with the best hit rate are the prediction for the next bucket."""
        held, n_left = set(self.previous), len(self.left_facts)
        known = self.full_cache.get(self.previous)
        if known is None:   # every left semi-context held in full has its last fact in `held`
            full = [lid for fact in self.previous for lid, facts in self.left_anchor.get(fact, ())
                    if facts <= held]
        else:               # these facts were crossed before: check only the newer semi-contexts
            checked, full = known
            full = full + [lid for lid in range(checked, n_left) if self.left_sets[lid] <= held]
        self.full_cache[self.previous] = (n_left, full)
        self.crossed_count = n_left
        c = self.contexts
        if not full:
            self.selected, self.predicted = np.zeros(0, dtype=np.int64), frozenset()
            return
        mark = np.zeros(len(self.left_facts), dtype=bool)
        mark[full] = True
        sel = self.selected = np.flatnonzero(mark[c.left[:c.n]])
        seen = c.seen[sel]
        rate = np.divide(c.hits[sel], seen, out=np.zeros(len(sel)), where=seen > 0)
        best = np.unique(c.right[sel[rate == rate.max()]]) if len(sel) else ()
        self.predicted = frozenset().union(*(self.right_facts[rid] for rid in best.tolist()))


def tuple_hash(facts: tuple) -> int:
    """Python 2's hash of a tuple of small ints (64-bit): the reference breaks ties between
    equally active contexts by it, so using it reproduces the reference's choices."""
    x, mult, n = 0x345678, 1000003, len(facts)
    for fact in facts:
        n -= 1
        x = ((x ^ fact) * mult) & MASK
        mult = (mult + 82520 + n + n) & MASK
    x = (x + 97531) & MASK
    x = x - (1 << 64) if x >= 1 << 63 else x
    return -2 if x == -1 else x


def digit_facts(values: np.ndarray, low: float, high: float, bits: int = 3) -> list[tuple]:
    """Each value's bucket in `2**bits` equal steps of [low, high], as digit facts."""
    top = 2**bits - 1.0
    step = (high - low if high > low else top) / top
    bins = np.clip(((values - low) / step).astype(np.int64), 0, int(top))  # causal ranges clip
    return [tuple(SENSOR + 2 * d + ((b >> d) & 1) for d in range(bits)) for b in bins.tolist()]


def context_scores(values: np.ndarray, *, low: float, high: float, rest: int,
                   base_threshold: float = 0.75, bits: int = 3, max_left: int = 7,
                   max_active: int = 15) -> np.ndarray:
    """CAD OSE's anomaly score of each value of one series (NaN rows score 0 and are skipped)."""
    values = np.asarray(values, dtype=float)
    memory = ContextMemory(max_left=max_left, max_active=max_active)
    out = np.zeros(len(values))
    last_high = -1                    # the reference starts its score history with a 1.0
    digits_of = digit_facts(np.nan_to_num(values), low, high, bits)
    for t, (value, digits) in enumerate(zip(values, digits_of)):
        if np.isnan(value):
            continue
        surprised = not memory.predicted.issuperset(digits)
        active_share, new_share = memory.step(digits)
        score = (1.0 - active_share + new_share) / 2.0 if surprised else 0.0
        if last_high < t - rest:
            out[t] = score
        if score >= base_threshold:
            last_high = t
    return out


def context_score_matrix(values: np.ndarray, *, low, high, rest, base_threshold: float = 0.75,
                         bits: int = 3) -> np.ndarray:
    """`context_scores` of every row of a (series × time) matrix; `low`, `high` and `rest` are
    one value, or one per series. NaN rows score 0."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    n = values.shape[0]
    low, high = np.broadcast_to(low, (n,)), np.broadcast_to(high, (n,))
    rest = np.broadcast_to(np.asarray(rest, dtype=np.int64), (n,))
    if np.any(rest < 0) or not np.all(np.isfinite(low) & np.isfinite(high)):
        raise ValueError("need rest >= 0 and a finite value range (low, high) per series")
    return np.stack([context_scores(row, low=lo, high=hi, rest=int(r),
                                    base_threshold=base_threshold, bits=bits)
                     for row, lo, hi, r in zip(values, low, high, rest)])
