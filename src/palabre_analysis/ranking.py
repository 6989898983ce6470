"""Which topics a text most likely belongs to, to offer a human coder those first.

`TopicRanker` learns each topic from a few of its texts (its label, its quotes, its most
typical contributions) and ranks the topics for new texts by cosine similarity, in a TF-IDF
space of lemmas. It suggests an order, never a choice: the coder still sees every topic.

    ranker = TopicRanker(k=10).fit({"t1": ["Pistes cyclables", ...], "t2": [...]})
    ranker.rank(["Une piste cyclable vers le lycée"])  # [["t1", "t2", ...]]
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Generic, TypeVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .text import content_lemmas

K = TypeVar("K", bound=Hashable)


class TopicRanker(Generic[K]):
    def __init__(self, k: int = 10) -> None:
        self.k = k

    def fit(self, topic_texts: Mapping[K, Sequence[str]]) -> TopicRanker[K]:
        """`topic_texts`: each topic's texts (label first); topics without text are ranked
        last, in the given order."""
        self.topics_ = list(topic_texts)
        documents = [" ".join(texts) for texts in topic_texts.values()]
        self.vectorizer_ = TfidfVectorizer(
            analyzer=content_lemmas, sublinear_tf=True, min_df=1, dtype=np.float32
        )
        try:
            self.centroids_ = normalize(self.vectorizer_.fit_transform(documents))
        except ValueError:  # no word at all: nothing to learn, the given order stays
            self.centroids_ = None
        return self

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text (rows) to each topic (columns)."""
        if self.centroids_ is None or not texts:
            return np.zeros((len(texts), len(self.topics_)), dtype=np.float32)
        vectors = normalize(self.vectorizer_.transform(list(texts)))
        return np.asarray((vectors @ self.centroids_.T).todense())

    def rank(self, texts: Sequence[str]) -> list[list[K]]:
        """For each text, the `k` most likely topics, most likely first (ties: given order)."""
        scores = self.scores(texts)
        order = np.argsort(-scores, axis=1, kind="stable")[:, : self.k]
        return [[self.topics_[i] for i in row] for row in order]
