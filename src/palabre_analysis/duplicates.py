"""Exact and near-duplicate groups: copy-paste campaigns and slightly edited templates.

Exact duplicates share the same folded text (case, accents, punctuation ignored). Near
duplicates are found with MinHash signatures of word 3-grams and locality-sensitive hashing
(bands), then confirmed by the share of equal signature slots; the cost grows linearly with
the number of texts. Every group is listed, nothing is dropped; only a *campaign* counts as
one voice whose size is shown (see `DuplicateGroup` for the rule).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .cleaning import fold

_PRIME = np.uint64((1 << 61) - 1)
# A word as a reader counts it: a run of non-space characters holding a letter or a digit
# ("l'État", "80", "km/h" are one word each; a lone dash is none).
_WRITTEN_WORD = re.compile(r"\S*[^\W_]\S*")


def written_words(text: str) -> int:
    """How many words `text` has as written (elisions and "km/h" are one word each)."""
    return len(_WRITTEN_WORD.findall(text))


@dataclass(frozen=True)
class DuplicateGroup:
    """Indices (into the input) of texts that say the same thing; `kind` is exact or near.

    `campaign` says whether the group counts as one voice (its size shown) or each of its
    contributions as a voice. The rule: a group is a copy-paste campaign when its text is
    long enough that different people do not write it alike on their own, at least
    `DuplicateFinder.campaign_words` (12) words as written, counted on its longest member:
    a letter or a petition pasted by many, or an edited template. Below that, identical or
    near-identical texts are common sentences that people write on their own, and each
    contributor is a voice: "Carte grise", "La limitation de vitesse à 80 km/h",
    "Complexité de la fiscalité et de la justice" (three people on the real Grand Débat
    file) or eight people writing "Il faut plus de pistes cyclables en ville". Words are
    counted as a reader counts them ("l'État", "80", "km/h": one word each), not after
    folding, which splits elisions and units and made such a sentence look long. The
    exports carry no reliable author: contributions are taken as written by different
    people."""

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
    - `min_words`: shorter texts (folded words) are only grouped when exactly identical
      (after folding);
    - `campaign_words`: a group whose longest text has fewer words (as written) is not a
      campaign: each of its contributions is a voice (see `DuplicateGroup`);
    - `num_perm`, `bands`: MinHash size and LSH bands (`num_perm` must be a multiple of
      `bands`);
    - `random_state`: seeds the hash functions, so results are reproducible.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.7,
        min_words: int = 8,
        campaign_words: int = 12,
        num_perm: int = 64,
        bands: int = 16,
        random_state: int = 0,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.threshold = threshold
        self.min_words = min_words
        self.campaign_words = campaign_words
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
                distinct = {folded[i]: i for i in items}.values()  # one per distinct text
                words = max(written_words(texts[i]) for i in distinct)
                groups.append(
                    DuplicateGroup(
                        tuple(items),
                        "near" if near else "exact",
                        campaign=words >= self.campaign_words,
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
