"""Two-level topics for short and long French texts.

`TopicModel` works on *unique* texts with weights (how many voices said exactly that), so that
frequent short answers weigh what they should and a copy-paste campaign counts once:

1. lemmas without stop words → TF-IDF (words and pairs of words);
2. latent semantic analysis (truncated SVD) → unit vectors;
3. k-means (weighted) for topics, k chosen by silhouette on a sample unless given, then
   k-means again inside each large topic for sub-topics;
4. a text too far from every centre (or with no known word) stays unclassified;
5. labels are key phrases read in the texts themselves (the most distinctive 1–3-word
   expression of the topic, not a bag of stems); representatives are chosen for coverage
   (maximal marginal relevance among the closest texts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from .i18n import _
from .text import content_lemmas, stop_words, surface_words

UNCLASSIFIED = -1


@dataclass
class Topic:
    id: str
    label: str
    keywords: list[str]
    members: np.ndarray  # indices of unique texts
    parent: str | None = None
    representatives: list[int] = field(default_factory=list)
    coverage: float = 0.0  # share of the topic's voices whose text contains the label


def _auto_k(vectors: np.ndarray, weights: np.ndarray, candidates: Sequence[int], seed: int) -> int:
    """The k with the best silhouette on a weighted sample."""
    n = vectors.shape[0]
    candidates = [k for k in candidates if 2 <= k < n]
    if not candidates:
        return 1
    rng = np.random.default_rng(seed)
    size = min(n, 2500)
    p = weights / weights.sum()
    sample = (
        np.unique(rng.choice(n, size=size, replace=size > n, p=p)) if n > size else np.arange(n)
    )
    best_k, best_score = candidates[0], -1.0
    for k in candidates:
        if k >= len(sample):
            break
        labels = KMeans(k, n_init=2, random_state=seed).fit_predict(
            vectors[sample], sample_weight=weights[sample]
        )
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(vectors[sample], labels, random_state=seed)
        # Prefer more topics when scores are close: agents need some granularity.
        if score > best_score + 0.002:
            best_k, best_score = k, score
    return best_k


def max_topics(voices: float, voices_per_topic: int, ceiling: int) -> int:
    """The most topics "auto" may make of `voices`: one per `voices_per_topic` voices, at
    least 1, at most `ceiling`. Five answers make one topic, not four; 20 voices at most 4."""
    return max(1, min(ceiling, int(voices // voices_per_topic)))


def _kmeans(
    vectors: np.ndarray, weights: np.ndarray, k: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    if vectors.shape[0] > 50_000:
        model = MiniBatchKMeans(k, batch_size=4096, n_init=3, random_state=seed)
    else:
        model = KMeans(k, n_init=4, random_state=seed)
    labels = model.fit_predict(vectors, sample_weight=weights)
    centres = normalize(model.cluster_centers_)
    return labels, centres


class TopicModel:
    """Topics and sub-topics of a list of unique texts.

    Settings: `n_topics` ("auto" or an int), `n_subtopics` ("auto" or an int; 1 disables
    sub-topics), `min_similarity` (below it a text stays unclassified), `voices_per_topic`
    ("auto" makes at most one topic, or sub-topic, per that many voices: a tiny corpus is
    not split into nearly one topic per text; a number given is kept), `random_state`.
    After `fit`: `topics_` (top level, then sub-topics, in order), `leaf_of_` (leaf index in
    `topics_` for each text, or -1), `score_` (cosine similarity to its leaf's centre).
    """

    def __init__(
        self,
        *,
        n_topics: int | str = "auto",
        n_subtopics: int | str = "auto",
        min_similarity: float = 0.1,
        min_subtopic_size: int = 30,
        min_label_coverage: float = 0.15,
        n_components: int = 100,
        voices_per_topic: int = 5,
        random_state: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.n_subtopics = n_subtopics
        self.min_similarity = min_similarity
        self.min_subtopic_size = min_subtopic_size
        self.min_label_coverage = min_label_coverage
        self.n_components = n_components
        self.voices_per_topic = voices_per_topic
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------------------

    def fit(
        self, texts: Sequence[str], weights: Sequence[float] | np.ndarray | None = None
    ) -> TopicModel:
        n = len(texts)
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        self.vectorizer_ = TfidfVectorizer(
            tokenizer=content_lemmas,
            preprocessor=None,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            min_df=2 if n >= 50 else 1,
            max_df=0.5 if n >= 50 else 1.0,
            max_features=30_000,
            sublinear_tf=True,
            dtype=np.float32,
        )
        tfidf = self.vectorizer_.fit_transform(texts)
        has_words = np.asarray(tfidf.getnnz(axis=1) > 0)
        components = max(1, min(self.n_components, tfidf.shape[1] - 1, int(has_words.sum()) - 1))
        svd = TruncatedSVD(components, random_state=self.random_state)
        vectors = np.zeros((n, components), dtype=np.float64)
        if has_words.sum() > components:
            vectors[has_words] = svd.fit_transform(tfidf[has_words])
        vectors = normalize(vectors)
        self.vectors_ = vectors
        self.tfidf_ = tfidf

        index = np.flatnonzero(has_words)
        topics: list[Topic] = []
        leaf_of = np.full(n, UNCLASSIFIED, dtype=np.int64)
        score = np.zeros(n)
        if len(index) >= 2:
            if self.n_topics == "auto":
                most = max_topics(float(w[index].sum()), self.voices_per_topic, 20)
                candidates = range(min(4, most), most + 1)
                k = _auto_k(vectors[index], w[index], candidates, self.random_state)
            else:
                k = int(self.n_topics)
            k = max(1, min(k, len(index)))
            labels, centres = _kmeans(vectors[index], w[index], k, self.random_state)
            order = np.argsort(-np.bincount(labels, weights=w[index], minlength=k), kind="stable")
            for rank, cluster in enumerate(order, start=1):
                members = index[labels == cluster]
                topic = Topic(f"T{rank}", "", [], members)
                topics.append(topic)
                similarity = vectors[members] @ centres[cluster]
                children = self._split(topic, w, similarity)
                if not children:
                    leaf_of[members] = len(topics) - 1
                    score[members] = similarity
                for child, child_similarity in children:
                    topics.append(child)
                    leaf_of[child.members] = len(topics) - 1
                    score[child.members] = child_similarity
        # Too far from every centre: unclassified, explicitly.
        far = (score < self.min_similarity) & (leaf_of != UNCLASSIFIED)
        leaf_of[far] = UNCLASSIFIED
        for position, topic in enumerate(topics):
            if not topic.id.count("."):
                continue
            topic.members = np.flatnonzero(leaf_of == position)
        for position, topic in enumerate(topics):
            if "." not in topic.id:
                leaves = [i for i, t in enumerate(topics) if t.parent == topic.id] or [position]
                topic.members = np.flatnonzero(np.isin(leaf_of, leaves))
        self.topics_ = topics
        self.leaf_of_ = leaf_of
        self.score_ = score
        self._describe(texts, w)
        return self

    def _split(
        self, topic: Topic, weights: np.ndarray, similarity: np.ndarray
    ) -> list[tuple[Topic, np.ndarray]]:
        members = topic.members
        if self.n_subtopics == 1 or weights[members].sum() < self.min_subtopic_size:
            return []
        vectors = self.vectors_[members]
        if self.n_subtopics == "auto":
            most = max_topics(float(weights[members].sum()), self.voices_per_topic, 5)
            k = _auto_k(vectors, weights[members], range(2, most + 1), self.random_state)
        else:
            k = int(self.n_subtopics)
        if k < 2 or k >= len(members):
            return []
        labels, centres = _kmeans(vectors, weights[members], k, self.random_state)
        order = np.argsort(
            -np.bincount(labels, weights=weights[members], minlength=k), kind="stable"
        )
        children = []
        for rank, cluster in enumerate(order, start=1):
            mask = labels == cluster
            child = Topic(f"{topic.id}.{rank}", "", [], members[mask], parent=topic.id)
            children.append((child, vectors[mask] @ centres[cluster]))
        return children

    # -- describing ------------------------------------------------------------------------

    def _describe(self, texts: Sequence[str], weights: np.ndarray) -> None:
        stops = stop_words()
        phrases = CountVectorizer(
            tokenizer=surface_words,
            preprocessor=None,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 3),
            binary=True,
            min_df=2 if len(texts) >= 50 else 1,
            max_features=60_000,
        )
        try:
            counts = phrases.fit_transform(texts)
        except ValueError:  # no words at all
            return
        vocabulary = phrases.get_feature_names_out()

        def useful_phrase(phrase: str) -> bool:
            first, last = phrase.split()[0], phrase.split()[-1]
            return (
                first not in stops
                and last not in stops
                and len(first) > 2
                and len(last) > 2
                and "'" not in first[:2]
            )

        useful = np.array([useful_phrase(t) for t in vocabulary])
        weighted = sparse.diags(weights) @ counts
        total_df = np.asarray(weighted.sum(axis=0)).ravel()
        total = weights.sum()
        idf = np.log((total + 1) / (total_df + 1)) + 1
        used_labels: set[str] = set()
        for topic in self.topics_:
            members = topic.members
            if len(members) == 0:
                topic.label = topic.id
                continue
            size = weights[members].sum()
            df = np.asarray(weighted[members].sum(axis=0)).ravel()
            share = df / size
            n_words = np.array([t.count(" ") + 1 for t in vocabulary])
            score = share * idf * (1 + 0.35 * (n_words - 1)) * useful * (df >= min(2, size))
            label, coverage = "", 0.0
            for j in np.argsort(-score, kind="stable")[:25]:
                candidate = vocabulary[j]
                if score[j] <= 0:
                    break
                if candidate not in used_labels:
                    label, coverage = candidate, float(share[j])
                    break
            used_labels.add(label)
            topic.label = (label[:1].upper() + label[1:]) if label else topic.id
            topic.coverage = round(coverage, 3)
            # Keywords: the next most distinctive expressions, as written in the texts.
            keywords: list[str] = []
            for j in np.argsort(-score, kind="stable")[:40]:
                phrase = str(vocabulary[j])
                if score[j] <= 0 or len(keywords) == 8:
                    break
                if phrase != label and not any(phrase in k or k in phrase for k in keywords):
                    keywords.append(phrase)
            topic.keywords = keywords
            if label and coverage < self.min_label_coverage and keywords:
                # No expression is shared by enough of the texts: say so rather than pretend.
                topic.label = _("Various: {keywords}").format(
                    keywords=", ".join([label, *keywords[:2]])
                )
            topic.representatives = self._representatives(topic, texts)

    def _representatives(self, topic: Topic, texts: Sequence[str], n: int = 4) -> list[int]:
        """Up to `n` texts that cover the topic: close to its centre, unlike each other."""
        members = topic.members
        leaf_scores = self.score_[members]
        lengths = np.array([len(texts[i]) for i in members])
        readable = (lengths >= 25) & (lengths <= 600)
        pool_order = np.lexsort((-leaf_scores, ~readable))[:40]
        pool = members[pool_order]
        if len(pool) == 0:
            return []
        vectors = self.vectors_[pool]
        relevance = self.score_[pool]
        chosen: list[int] = [0]
        while len(chosen) < min(n, len(pool)):
            similarity = (vectors @ vectors[chosen].T).max(axis=1)
            mmr = 0.6 * relevance - 0.4 * similarity
            mmr[chosen] = -np.inf
            chosen.append(int(np.argmax(mmr)))
        return [int(pool[i]) for i in chosen]
