"""The language of each contribution, cheaply enough for millions of them.

The model is py3langid's (langid.py's naive Bayes over byte n-grams, BSD licence), shipped
inside its wheel: nothing is downloaded. py3langid walks its byte automaton one text at a time
in Python (about 12,000 texts a second here); `LanguageDetector` walks the same automaton with
numpy over a batch of texts, one byte position at a time, and gives the same probabilities as
py3langid's own `rank` (tests/analysis/test_languages.py checks it), about ten times faster.
The synthesis detects each *distinct* text once.

What is read: the text without identifiers (URLs, `gid://…`, e-mail addresses), lower case,
its first `max_chars` characters (enough to tell a language; reading more changed nothing on
the shared corpora). Only `LANGUAGES` are considered (those of the consultations Palabre
serves and of their neighbours): restricting the model keeps rare look-alikes (Walloon,
Volapük, Latin…) out of a French corpus.

Short texts say little ("il y en a trop", "Carte grise" read as Spanish or Romanian on their
own), so every text's probabilities are weighed by a mild prior: 1 + `prior_weight` × the
share of each language among the corpus's texts of at least `min_words` words (`default`
alone when there is none). In a French corpus a language needs odds of about 11 to 1 to win
against French: on the Grand Débat answers 7 distinct texts in 14,533 are read as another
language (48 when only texts under five words were weighed), while English comments mixed
into it stay English (99 %).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .cleaning import strip_identifiers

#: ISO 639-1 codes considered, French first.
LANGUAGES = (
    "fr",
    "en",
    "es",
    "ca",
    "de",
    "it",
    "pt",
    "nl",
    "br",
    "oc",
    "eu",
    "gl",
    "ar",
    "tr",
    "pl",
    "ro",
    "ru",
    "zh",
)


class _Model:
    """py3langid's automaton and naive Bayes tables as numpy arrays, for `languages`."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        classes = list(identifier.nb_classes)
        self.languages = tuple(code for code in languages if code in classes)
        columns = [classes.index(code) for code in self.languages]
        nextmove = identifier.tk_nextmove
        row = identifier.tk_row
        self.nextmove = np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode))
        self.rowbase = np.frombuffer(row, dtype=np.dtype(row.typecode)).astype(np.int64) << 8
        self.output = np.asarray(identifier.tk_output, dtype=np.int32)
        self.ptc = np.ascontiguousarray(identifier.nb_ptc[:, columns], dtype=np.float32)
        self.pc = np.asarray(identifier.nb_pc[columns], dtype=np.float32)

    def probabilities(self, encoded: Sequence[bytes]) -> np.ndarray:
        """(texts × languages) probabilities, as py3langid's `classify` with `norm_probs`."""
        from scipy import sparse

        n = len(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
        order = np.argsort(-lengths, kind="stable")
        sorted_lengths = lengths[order]
        width = int(sorted_lengths[0]) if n else 0
        # bytes[p, r]: byte p of the r-th longest text (column reads are contiguous)
        flat = np.frombuffer(b"".join(encoded[i] for i in order), dtype=np.uint8)
        starts = np.concatenate(([0], np.cumsum(sorted_lengths)[:-1]))
        texts_of = np.repeat(np.arange(n), sorted_lengths)
        positions = np.arange(len(flat)) - np.repeat(starts, sorted_lengths)
        table = np.zeros((width, n), dtype=np.uint8)
        table[positions, texts_of] = flat
        active = np.searchsorted(-sorted_lengths, -np.arange(width), side="left")
        state = np.zeros(n, dtype=np.int64)
        rows, features = [], []
        for p in range(width):
            k = int(active[p])
            moved = self.nextmove[self.rowbase[state[:k]] + table[p, :k]]
            state[:k] = moved
            found = self.output[moved]
            hit = np.flatnonzero(found >= 0)
            rows.append(hit)
            features.append(found[hit])
        row_index = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        feature_index = np.concatenate(features) if features else np.zeros(0, dtype=np.int32)
        counts = sparse.csr_matrix(
            (np.ones(len(row_index), dtype=np.float32), (row_index, feature_index)),
            shape=(n, self.ptc.shape[0]),
        )
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        scores = np.asarray(counts @ self.ptc) + self.pc
        # no feature at all: uniform (py3langid abstains the same way)
        scores[np.diff(counts.indptr) == 0] = 0.0
        scores *= (1.0 / np.sqrt(np.maximum(sorted_lengths, 1)))[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        out = np.empty_like(scores)
        out[order] = scores
        return out


@lru_cache(maxsize=2)
def _model(languages: tuple[str, ...]) -> _Model:
    return _Model(languages)


def prepare(text: str, max_chars: int) -> str:
    """What the model reads of a text: no identifiers, NFC, lower case, `max_chars` at most."""
    text = strip_identifiers(text)[: max_chars + 20]
    return unicodedata.normalize("NFC", text).lower()[:max_chars]


class LanguageDetector:
    """The language of each text, scikit-learn style: settings in `__init__`, `fit(texts,
    weights)` returns self, `languages_` (one ISO 639-1 code per text) and `probabilities_`
    (texts × `classes_`).

    - `default`: the language a corpus is presumed to be in when its texts say too little;
    - `min_words`: shorter texts are weighed by the corpus's prior (see the module);
    - `prior_weight`: the pseudo-count of texts in `default` in that prior;
    - `max_chars`: characters read per text; `batch_size`: texts scored at once.
    """

    def __init__(
        self,
        *,
        languages: Sequence[str] = LANGUAGES,
        default: str = "fr",
        min_words: int = 5,
        prior_weight: float = 10.0,
        max_chars: int = 160,
        batch_size: int = 20_000,
    ) -> None:
        self.languages = tuple(languages)
        self.default = default
        self.min_words = min_words
        self.prior_weight = prior_weight
        self.max_chars = max_chars
        self.batch_size = batch_size

    def fit(
        self, texts: Sequence[str], weights: Sequence[float] | np.ndarray | None = None
    ) -> LanguageDetector:
        model = _model(self.languages)
        self.classes_ = model.languages
        n = len(texts)
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        prepared = [prepare(t, self.max_chars) for t in texts]
        probabilities = np.zeros((n, len(self.classes_)), dtype=np.float32)
        for start in range(0, n, self.batch_size):
            chunk = prepared[start : start + self.batch_size]
            encoded = [t.encode("utf-8", errors="surrogatepass") for t in chunk]
            probabilities[start : start + len(chunk)] = model.probabilities(encoded)
        # words, roughly: whitespace is already normalised by the readers
        long = np.fromiter(
            (t.count(" ") + 1 >= self.min_words for t in prepared), dtype=bool, count=n
        )
        shares = np.zeros(len(self.classes_))
        if long.any() and w[long].sum() > 0:
            best = probabilities[long].argmax(axis=1)
            counts = np.bincount(best, weights=w[long], minlength=len(self.classes_))
            shares = counts / counts.sum()
        elif self.default in self.classes_:
            shares[self.classes_.index(self.default)] = 1.0
        self.prior_ = 1.0 + self.prior_weight * shares
        decided = (probabilities * self.prior_).argmax(axis=1)
        self.probabilities_ = probabilities
        self.languages_ = [self.classes_[i] for i in decided]
        return self


def detect_languages(texts: Sequence[str], *, default: str = "fr", **settings: Any) -> list[str]:
    """One ISO 639-1 code per text (see `LanguageDetector`)."""
    return LanguageDetector(default=default, **settings).fit(texts).languages_
