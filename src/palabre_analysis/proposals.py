"""What people propose inside each topic: recurring concrete proposals or positions.

A `Document` is what the topics see as one text in one place: a distinct text (or a copy-paste
campaign) in a topic, with the contributions that wrote it and the voices it holds. Its title
and text are split into sentences (long ones into clauses); units without content ("Je n'ai
rien à ajouter", a word or two) are left out. Inside each top-level topic (and stance, where
the records carry one), units are compared by their lemmas (TF-IDF with the topic's own idf,
so that the words every text of the topic shares weigh little; the small words proposals rest
on, "trop", "plusieurs fois", "le même", are kept). On a sample of at most `sample_size` units
(drawn by voices), units are grouped by average linkage, cut where the mean cosine similarity
inside a group would fall under `threshold`; every other unit of the topic joins the nearest
of the largest groups if it is close enough to its centre. A group held by at least
`min_voices` distinct voices is a proposal; its text is the most central readable unit,
verbatim (whitespace normalised, cut at a word with "…" when longer than `max_chars`). The
cost is linear in the number of units (a bounded sample per topic); the same input and
`random_state` give the same proposals.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from .cleaning import is_empty_content, mask_personal_data, shorten
from .text import content_lemmas, stop_words

# Sentence ends (the punctuation stays with its sentence), line breaks and list bullets.
_SENTENCE = re.compile(r"(?<=[.!?…;])\s+|\s*\n\s*|\s+[-–—•*]\s+|^\s*[-–—•*]\s+")
# Where a long sentence may be cut into clauses (the separator stays with the left part).
_CLAUSE = re.compile(r"(?<=[,:])\s+|\s+(?=\()")
_EDGE = re.compile(r"^[\s\-–—•*\"'«»“”(.,;:…/]+|[\s\-–—\"'«»“”,;:/]+$")
# A clause that stops on one of these words was cut by a line break: not a readable text.
_DANGLING = frozenset(
    {"de", "du", "des", "d", "le", "la", "les", "l", "un", "une", "et", "ou", "à", "au", "aux"}
    | {"pour", "par", "en", "sur", "avec", "dans", "que", "qui", "mais", "car"}
)
_MIN_LEMMAS = 3
_DIGIT_OR_AT = re.compile(r"[\d@]")
#: Stop words for topics that say what a proposal is: "trop", "plusieurs fois", "le même".
_MEANINGFUL = frozenset(
    {"plus", "moins", "trop", "même", "mêmes", "fois", "plusieurs", "sans", "jamais", "chaque"}
    | {"aucun", "aucune", "avant", "après", "depuis"}
)


@lru_cache(maxsize=1)
def _stops() -> frozenset[str]:
    return stop_words() - _MEANINGFUL


def unit_lemmas(text: str) -> list[str]:
    """Lemmas of a unit: `text.content_lemmas` keeping the small words proposals rest on."""
    return content_lemmas(text, _stops())


@dataclass(frozen=True)
class Document:
    """One text as the topics see it. `parts` are its title and text as written; `ids` the
    contributions that wrote it (in corpus order); `voices` how many voices it holds; two
    documents with the same `voice` key are the same voice (a campaign split by a
    correction), counted once."""

    topic: str
    leaf: str
    parts: tuple[str, ...]
    ids: tuple[str, ...]
    voices: float
    voice: Hashable
    stance: str = ""


def split_units(text: str, *, max_chars: int = 200) -> list[str]:
    """Sentences of `text` (whitespace normalised), long ones cut into clauses at commas and
    colons; every unit is a verbatim substring of the normalised text."""
    units: list[str] = []
    for sentence in _SENTENCE.split(text):
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        if len(sentence) <= max_chars + 40:
            units.append(sentence)
            continue
        current = ""
        for clause in _CLAUSE.split(sentence):
            if current and len(current) + 1 + len(clause) > max_chars:
                units.append(current)
                current = clause
            else:
                current = f"{current} {clause}" if current else clause
        if current:
            units.append(current)
    out = []
    for unit in units:
        unit = _EDGE.sub("", unit)
        if unit.endswith(")") and "(" not in unit:
            unit = _EDGE.sub("", unit[:-1])
        if unit:
            out.append(unit)
    return out


def readable(text: str, *, max_chars: int = 200) -> str:
    """`text` cut at the last whole word before `max_chars`, with "…", when longer."""
    return shorten(text, max_chars)


def _ends_well(text: str) -> bool:
    last = text.rsplit(" ", 1)[-1].lower().replace("’", "'")
    return last.rsplit("'", 1)[-1] not in _DANGLING and not last.endswith("'")


class ProposalFinder:
    """Settings in `__init__`, `fit(documents)` returns self, `proposals_` the result: dicts
    `{id, topic, subtopic, text, contributors, evidence[, stance]}`, by topic in the order the
    documents first name them, the most held first."""

    def __init__(
        self,
        *,
        max_per_topic: int = 5,
        min_voices: int = 2,
        threshold: float = 0.35,
        sample_size: int = 1500,
        max_chars: int = 200,
        random_state: int = 0,
    ) -> None:
        self.max_per_topic = max_per_topic
        self.min_voices = min_voices
        self.threshold = threshold
        self.sample_size = sample_size
        self.max_chars = max_chars
        self.random_state = random_state

    def fit(self, documents: Sequence[Document]) -> ProposalFinder:
        self.proposals_: list[dict[str, Any]] = []
        unit_texts: list[str] = []
        unit_doc: list[int] = []
        for d, document in enumerate(documents):
            seen: set[str] = set()
            for part in document.parts:
                for unit in split_units(part, max_chars=self.max_chars):
                    key = unit.casefold()
                    if len(unit) < 12 or key in seen:
                        continue
                    if _DIGIT_OR_AT.search(unit) and mask_personal_data(unit) != unit:
                        continue  # never quote an e-mail address or a phone number
                    seen.add(key)
                    unit_texts.append(unit)
                    unit_doc.append(d)
        if not unit_texts:
            return self
        counts = CountVectorizer(
            tokenizer=unit_lemmas,
            preprocessor=None,
            lowercase=False,
            token_pattern=None,
            dtype=np.float32,
        )
        try:
            matrix = counts.fit_transform(unit_texts).tocsr()
        except ValueError:  # no word at all
            return self
        enough = np.asarray(matrix.getnnz(axis=1) >= _MIN_LEMMAS)
        matrix = TfidfTransformer(sublinear_tf=True).fit_transform(matrix).tocsr()
        buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row in np.flatnonzero(enough):
            if len(unit_texts[row]) < 150 and is_empty_content(unit_texts[row]):
                continue  # "je n'ai pas d'exemple précis à citer"
            document = documents[unit_doc[row]]
            buckets[(document.topic, document.stance)].append(int(row))
        by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (topic, stance), rows in buckets.items():
            found = self._bucket(documents, unit_doc, unit_texts, matrix, np.asarray(rows))
            for proposal in found:
                if stance:
                    proposal["stance"] = stance
            by_topic[topic] += found
        order = list(dict.fromkeys(d.topic for d in documents))
        for topic in order:
            found = sorted(by_topic.get(topic, []), key=lambda p: -p["contributors"])
            for rank, proposal in enumerate(found[: self.max_per_topic], start=1):
                self.proposals_.append({"id": f"{topic}.P{rank}", "topic": topic, **proposal})
        return self

    def _bucket(
        self,
        documents: Sequence[Document],
        unit_doc: list[int],
        unit_texts: list[str],
        matrix: Any,
        rows: np.ndarray,
    ) -> list[dict[str, Any]]:
        docs = np.asarray([unit_doc[r] for r in rows])
        voices = np.asarray([documents[d].voices for d in docs], dtype=float)
        if voices.sum() < self.min_voices:
            return []
        x = matrix[rows]
        n = len(rows)
        if n > self.sample_size:
            rng = np.random.default_rng(self.random_state)
            sample = np.sort(
                rng.choice(n, self.sample_size, replace=False, p=voices / voices.sum())
            )
        else:
            sample = np.arange(n)
        label = np.full(n, -1, dtype=np.int64)
        label[sample] = self._groups(x[sample])
        weight = np.bincount(label[sample], weights=voices[sample])
        candidates = [
            int(g)
            for g in np.lexsort((np.arange(len(weight)), -weight))[: 4 * self.max_per_topic]
            if weight[g] >= self.min_voices
        ]
        if not candidates:
            return []
        if len(sample) < n:  # the others join the nearest group, if close enough
            centres = normalize(
                np.vstack(
                    [np.asarray(x[sample[label[sample] == g]].sum(axis=0)) for g in candidates]
                )
            )
            rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
            similarity = np.asarray(x[rest] @ centres.T)
            nearest = similarity.argmax(axis=1)
            close = similarity[np.arange(len(rest)), nearest] >= np.sqrt(self.threshold)
            label[rest[close]] = np.asarray(candidates)[nearest[close]]
        found = []
        for g in candidates:
            members = np.flatnonzero(label == g)
            held: dict[Hashable, float] = {}
            for m in members:
                document = documents[docs[m]]
                held[document.voice] = max(held.get(document.voice, 0.0), document.voices)
            contributors = round(sum(held.values()))
            if contributors >= self.min_voices:
                found.append((contributors, g, members))
        found.sort(key=lambda item: (-item[0], item[1]))
        out = []
        for contributors, _g, members in found[: self.max_per_topic]:
            member_docs = sorted({int(docs[m]) for m in members})
            leaves: dict[str, float] = defaultdict(float)
            for d in member_docs:
                leaves[documents[d].leaf] += documents[d].voices
            leaf = min(leaves, key=lambda k: (-leaves[k], k))
            topic = documents[member_docs[0]].topic
            pool = members[:300]
            out.append(
                {
                    "subtopic": leaf if leaf != topic else None,
                    "text": self._text(x[pool], [unit_texts[rows[m]] for m in pool]),
                    "contributors": contributors,
                    "evidence": [i for d in member_docs for i in documents[d].ids],
                }
            )
        return out

    def _groups(self, x: Any) -> np.ndarray:
        """Group numbers (0…) of the units: average linkage on cosine distances, cut where the
        mean similarity inside a group would fall under `threshold`."""
        if x.shape[0] < 2:
            return np.zeros(x.shape[0], dtype=np.int64)
        distance = 1.0 - np.asarray((x @ x.T).toarray(), dtype=np.float64)
        np.clip(distance, 0.0, 2.0, out=distance)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        return np.asarray(fcluster(tree, t=1.0 - self.threshold, criterion="distance")) - 1

    def _text(self, vectors: Any, texts: list[str]) -> str:
        """The most central unit of the group, a readable one if one is nearly as central."""
        centre = np.asarray(vectors.sum(axis=0)).ravel()
        centrality = np.asarray(vectors @ centre).ravel()
        fits = np.array([20 <= len(t) <= self.max_chars and _ends_well(t) for t in texts])
        best = float(centrality.max())
        score = centrality + np.where(fits & (centrality >= 0.8 * best), best, 0.0)
        choice = int(np.lexsort((np.arange(len(texts)), -score))[0])
        return readable(texts[choice], max_chars=self.max_chars)
