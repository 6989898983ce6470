"""Codebook mode: the agents' own categories, applied with a confidence.

A codebook is a CSV (columns `name`, `description`, `keywords`, `examples`; keywords separated
by `;` or `,`, examples by `|`) or a YAML list of `{name, description, keywords, examples}`.
Each contribution gets zero, one or several categories with a confidence between 0 and 1:

- a keyword of the category found in the text (compared on lemmas, so "permis de construire"
  matches "permis construire" and "permis de construire") gives strong evidence;
- the similarity between the text and the category's description, keywords and examples (in
  the corpus's TF-IDF space) gives graded evidence.

Contributions whose best confidence is low, or whose two best categories are close, are listed
for review. Agents' corrections (a CSV or XLSX of id → category) override the engine for
those contributions and are used as extra examples of their category on the next run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .i18n import _
from .records import ReadError
from .text import content_lemmas


@dataclass
class Category:
    name: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


def _split(value: str, separators: str) -> list[str]:
    for separator in separators:
        value = value.replace(separator, "\n")
    return [part.strip() for part in value.split("\n") if part.strip()]


def load_codebook(path: str | Path) -> list[Category]:
    path = Path(path)
    if not path.is_file():
        raise ReadError(_("No such file: {path}.").format(path=path))
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        from .readers.tabular import read_text

        try:
            data = yaml.safe_load(read_text(path))
        except (yaml.YAMLError, RecursionError) as error:
            raise ReadError(_("Invalid YAML codebook ({error}).").format(error=error)) from error
        if isinstance(data, dict):
            data = data.get("categories", data.get("catégories", []))
        if not isinstance(data, list):
            raise ReadError(_("The codebook holds no list of categories."))
        categories = []
        for item in data:
            if not isinstance(item, dict) or not str(item.get("name", "")).strip():
                raise ReadError(_("Each category needs a name."))

            def as_list(value: object, separators: str) -> list[str]:
                if isinstance(value, list):
                    return [str(v).strip() for v in value if str(v).strip()]
                return _split(str(value or ""), separators)

            categories.append(
                Category(
                    name=str(item["name"]).strip(),
                    description=str(item.get("description", "") or ""),
                    keywords=as_list(item.get("keywords"), ";,"),
                    examples=as_list(item.get("examples"), "|"),
                )
            )
    else:
        from .readers.sniff import detect_delimiter
        from .readers.tabular import read_text

        text = read_text(path)
        try:
            rows = list(
                csv.DictReader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
            )
        except csv.Error as error:
            raise ReadError(_("Unreadable codebook ({error}).").format(error=error)) from None
        if rows and "name" not in rows[0]:
            raise ReadError(_("The codebook needs a 'name' column."), columns=list(rows[0].keys()))
        categories = [
            Category(
                name=row["name"].strip(),
                description=(row.get("description") or "").strip(),
                keywords=_split(row.get("keywords") or "", ";,"),
                examples=_split(row.get("examples") or "", "|"),
            )
            for row in rows
            if (row.get("name") or "").strip()
        ]
    if not categories:
        raise ReadError(_("The codebook holds no category."))
    names = [c.name for c in categories]
    if len(set(names)) != len(names):
        raise ReadError(_("Two categories have the same name."))
    return categories


def load_corrections(path: str | Path) -> dict[str, str]:
    """id → category (or topic) from a CSV (`id`, `category`) or the engine's own XLSX
    workbook (its "Contributions" sheet, correction column)."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(_("No such file: {path}.").format(path=path))
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
            names = workbook.sheetnames
            sheet = (
                workbook["Contributions"] if "Contributions" in names else workbook.worksheets[0]
            )
            rows = sheet.iter_rows(values_only=True)
            next(rows, None)  # header: the id comes first, the correction last
            out = {}
            for row in rows:
                if row and row[0] is not None and row[-1] not in (None, ""):
                    out[str(row[0])] = str(row[-1]).strip()
            workbook.close()
        except Exception as error:  # openpyxl (zipfile, XML parsers) raises many kinds
            raise ReadError(
                _("This is not a readable XLSX file ({error}).").format(error=error)
            ) from error
        return out
    from .readers.sniff import detect_delimiter
    from .readers.tabular import read_text

    text = read_text(path)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
        next(reader, None)  # header: id, category
        return {
            row[0].strip(): row[1].strip() for row in reader if len(row) >= 2 and row[1].strip()
        }
    except csv.Error as error:
        raise ReadError(_("Unreadable corrections file ({error}).").format(error=error)) from None


class CodebookClassifier:
    """Assign categories with a confidence. `fit(texts, corrections)` → `confidence_`
    (n_texts × n_categories), `assigned_` (list of category-index lists), `review_` (indices).
    """

    def __init__(
        self,
        categories: Sequence[Category],
        *,
        threshold: float = 0.35,
        review_below: float = 0.5,
        margin: float = 0.1,
    ) -> None:
        self.categories = list(categories)
        self.threshold = threshold
        self.review_below = review_below
        self.margin = margin

    def fit(
        self, texts: Sequence[str], corrections: Mapping[int, str] | None = None
    ) -> CodebookClassifier:
        corrections = dict(corrections or {})
        index_of = {c.name: i for i, c in enumerate(self.categories)}
        extra_examples: dict[int, list[str]] = {}
        for text_index, name in corrections.items():
            if name in index_of:
                extra_examples.setdefault(index_of[name], []).append(texts[text_index])
        prototypes = [
            " ".join([c.name, c.description, *c.keywords, *c.examples, *extra_examples.get(i, [])])
            for i, c in enumerate(self.categories)
        ]
        vectorizer = TfidfVectorizer(
            tokenizer=content_lemmas,
            preprocessor=None,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=1,
        )
        matrix = vectorizer.fit_transform(list(texts) + prototypes)
        docs, protos = matrix[: len(texts)], normalize(matrix[len(texts) :])
        similarity = np.asarray((docs @ protos.T).todense())
        keyword_hits = np.zeros_like(similarity)
        lemma_sets = [set(_lemma_phrases(t)) for t in texts]
        for j, category in enumerate(self.categories):
            keys = [" ".join(content_lemmas(k)) for k in category.keywords] + [
                " ".join(content_lemmas(category.name))
            ]
            keys = [k for k in keys if k]
            for i, phrases in enumerate(lemma_sets):
                if any(k in phrases for k in keys):
                    keyword_hits[i, j] = 1.0
        # Similarity rarely exceeds 0.5 between a short answer and a prototype: rescale.
        confidence = np.clip(0.55 * keyword_hits + 0.45 * np.minimum(similarity / 0.4, 1.0), 0, 1)
        for text_index, name in corrections.items():
            if name in index_of:
                confidence[text_index] = 0.0
                confidence[text_index, index_of[name]] = 1.0
        self.confidence_ = confidence
        self.assigned_ = [
            [int(j) for j in np.flatnonzero(row >= self.threshold)] for row in confidence
        ]
        ordered = np.sort(confidence, axis=1)[:, ::-1]
        best = ordered[:, 0] if ordered.shape[1] else np.zeros(len(texts))
        second = ordered[:, 1] if ordered.shape[1] > 1 else np.zeros(len(texts))
        corrected = np.zeros(len(texts), dtype=bool)
        corrected[list(corrections)] = True
        uncertain = ((best > 0.15) & (best < self.review_below)) | (
            (best >= self.threshold) & (best - second < self.margin) & (second >= self.threshold)
        )
        self.review_ = [int(i) for i in np.flatnonzero(uncertain & ~corrected)]
        self.unknown_corrections_ = sorted({n for n in corrections.values() if n not in index_of})
        return self


def _lemma_phrases(text: str) -> list[str]:
    lemmas = content_lemmas(text)
    phrases = list(lemmas)
    phrases += [" ".join(lemmas[i : i + 2]) for i in range(len(lemmas) - 1)]
    phrases += [" ".join(lemmas[i : i + 3]) for i in range(len(lemmas) - 2)]
    return phrases
