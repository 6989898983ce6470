"""Exact and near-duplicate groups: copy-paste campaigns and slightly edited templates.

Exact duplicates share the same folded text (case, accents, punctuation ignored). Near
duplicates are found with MinHash signatures of word 3-grams and locality-sensitive hashing
(bands), then confirmed by the share of equal signature slots; the cost grows linearly with
the number of texts. A group counts as one voice whose size is shown; nothing is dropped.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .cleaning import fold

_PRIME = np.uint64((1 << 61) - 1)


@dataclass(frozen=True)
class DuplicateGroup:
    """Indices (into the input) of texts that say the same thing; `kind` is exact or near.

    `campaign` is true for long texts (at least `min_words` words): a copy-paste campaign or
    an edited template, which counts as one voice with its size shown. Identical short
    answers ("Carte grise") are frequent answers, not campaigns: each is a voice."""

    members: tuple[int, ...]
    kind: str
    campaign: bool = False

    @property
    def size(self) -> int:
        return len(self.members)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class DuplicateFinder:
    """Find duplicate groups, scikit-learn style: settings in `__init__`, `fit` returns self,
    results in `groups_` (largest first) and `group_of_` (index → group number or -1).

    - `threshold`: estimated Jaccard similarity of word 3-gram sets above which two texts are
      near duplicates;
    - `min_words`: shorter texts are only grouped when exactly identical (after folding);
    - `num_perm`, `bands`: MinHash size and LSH bands (`num_perm` must be a multiple of
      `bands`);
    - `random_state`: seeds the hash functions, so results are reproducible.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.7,
        min_words: int = 8,
        num_perm: int = 64,
        bands: int = 16,
        random_state: int = 0,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.threshold = threshold
        self.min_words = min_words
        self.num_perm = num_perm
        self.bands = bands
        self.random_state = random_state

    def fit(self, texts: Sequence[str]) -> DuplicateFinder:
        n = len(texts)
        folded = [fold(t) for t in texts]
        union = _UnionFind(n)
        exact_first: dict[str, int] = {}
        for i, key in enumerate(folded):
            if not key:
                continue
            if key in exact_first:
                union.union(exact_first[key], i)
            else:
                exact_first[key] = i
        near_pairs = self._near_pairs(
            [i for i in exact_first.values() if folded[i].count(" ") + 1 >= self.min_words],
            folded,
        )
        near_members: set[int] = set()
        for a, b in near_pairs:
            union.union(a, b)
            near_members.update((a, b))
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            if folded[i]:
                members[union.find(i)].append(i)
        groups = []
        for items in members.values():
            if len(items) > 1:
                near = any(i in near_members for i in items) and len({folded[i] for i in items}) > 1
                words = folded[items[0]].count(" ") + 1
                groups.append(
                    DuplicateGroup(
                        tuple(items), "near" if near else "exact", campaign=words >= self.min_words
                    )
                )
        groups.sort(key=lambda g: (-g.size, g.members[0]))
        self.groups_ = groups
        self.group_of_ = np.full(n, -1, dtype=np.int64)
        for number, group in enumerate(groups):
            self.group_of_[list(group.members)] = number
        return self

    def _signature_params(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.random_state)
        a = rng.integers(1, int(_PRIME), size=self.num_perm, dtype=np.uint64)
        b = rng.integers(0, int(_PRIME), size=self.num_perm, dtype=np.uint64)
        return a, b

    def _signature(self, words: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
        shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
        hashes = np.fromiter(
            (zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64, count=len(shingles)
        )
        # (a * x + b) mod p, with x < 2**32 and a, b < 2**61: products wrap in uint64, which
        # keeps a good universal hash family for our purpose (min-wise ordering).
        values = (hashes[:, None] * a[None, :] + b[None, :]) % _PRIME
        return values.min(axis=0)

    def _near_pairs(self, candidates: list[int], folded: list[str]) -> list[tuple[int, int]]:
        if len(candidates) < 2:
            return []
        a, b = self._signature_params()
        signatures = np.empty((len(candidates), self.num_perm), dtype=np.uint64)
        for row, index in enumerate(candidates):
            signatures[row] = self._signature(folded[index].split(" "), a, b)
        rows = self.num_perm // self.bands
        pairs: set[tuple[int, int]] = set()
        for band in range(self.bands):
            buckets: dict[bytes, int] = {}
            chunk = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
            for row in range(len(candidates)):
                key = chunk[row].tobytes()
                first = buckets.setdefault(key, row)
                if first != row:
                    pairs.add((first, row))
        confirmed = []
        for first, row in sorted(pairs):
            similarity = float(np.mean(signatures[first] == signatures[row]))
            if similarity >= self.threshold:
                confirmed.append((candidates[first], candidates[row]))
        return confirmed
