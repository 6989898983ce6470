"""Quality of a synthesis, measured rather than assumed.

- With human labels (a CSV `id,label`, lines starting with `#` ignored): agreement between
  the top-level topics and the labels on the labelled contributions — normalised mutual
  information (NMI), adjusted Rand index (ARI), and for each label the best-matching topic
  with its precision, recall and F1. Unclassified contributions form their own group.
- Without labels: topic coherence (NPMI of the top keywords' co-occurrence in the texts,
  averaged over topics) and diversity (share of distinct words among all topics' keywords).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from .i18n import _
from .records import ReadError


def load_labels(path: str | Path) -> dict[str, str]:
    path = Path(path)
    if not path.is_file():
        raise ReadError(_("No such file: {path}.").format(path=path))
    from .readers.tabular import read_text

    text = read_text(path)
    lines = [
        line for line in io.StringIO(text, newline="") if line.strip() and not line.startswith("#")
    ]
    reader = csv.DictReader(lines)
    columns = reader.fieldnames or []
    if not {"id", "label"} <= set(columns):
        raise ReadError(_("The labels file needs 'id' and 'label' columns."), columns=list(columns))
    try:
        return {
            (row["id"] or "").strip(): row["label"].strip() for row in reader if row.get("label")
        }
    except csv.Error as error:
        raise ReadError(_("Unreadable labels file ({error}).").format(error=error)) from None


def top_topic_of(result: Mapping[str, Any]) -> dict[str, str]:
    parent = {t["id"]: (t["parent"] or t["id"]) for t in result["topics"]}
    return {
        a["id"]: (parent[a["topic"]] if a["topic"] else "unclassified")
        for a in result["assignments"]
    }


def agreement(result: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    predicted = top_topic_of(result)
    ids = [i for i in labels if i in predicted]
    if not ids:
        raise ReadError(_("No labelled contribution was found in the result."))
    truth = [labels[i] for i in ids]
    guess = [predicted[i] for i in ids]
    names = {t["id"]: t["label"] for t in result["topics"]}
    per_label = {}
    for label, n_label in sorted(Counter(truth).items()):
        best: dict[str, Any] = {"topic": None, "precision": 0.0, "recall": 0.0, "f1": 0.0}
        for topic, n_topic in Counter(guess).items():
            both = sum(1 for t, g in zip(truth, guess, strict=True) if t == label and g == topic)
            if not both:
                continue
            precision, recall = both / n_topic, both / n_label
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best["f1"]:
                best = {
                    "topic": names.get(topic, topic),
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                    "f1": round(f1, 3),
                }
        per_label[label] = {"n": n_label, **best}
    return {
        "n_labelled": len(ids),
        "nmi": round(float(normalized_mutual_info_score(truth, guess)), 4),
        "ari": round(float(adjusted_rand_score(truth, guess)), 4),
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(per_label), 4),
        "per_label": per_label,
    }


def coherence(result: Mapping[str, Any], texts: Sequence[str], *, top_n: int = 5) -> dict[str, Any]:
    """NPMI of keyword pairs (document co-occurrence) and keyword diversity."""
    documents = [text.lower() for text in texts]
    n = len(documents) or 1
    cache: dict[str, set[int]] = {}

    def docs_with(phrase: str) -> set[int]:
        if phrase not in cache:
            cache[phrase] = {i for i, d in enumerate(documents) if phrase in d}
        return cache[phrase]

    top = [t for t in result["topics"] if t["parent"] is None]
    scores = []
    for topic in top:
        words = [topic["label"].lower(), *topic["keywords"]][:top_n]
        pairs = []
        for a, b in itertools.combinations(words, 2):
            da, db = docs_with(a), docs_with(b)
            joint = len(da & db)
            if not da or not db:
                continue
            if joint == 0:
                pairs.append(-1.0)
                continue
            p_ab, p_a, p_b = joint / n, len(da) / n, len(db) / n
            pmi = math.log(p_ab / (p_a * p_b))
            pairs.append(pmi / -math.log(p_ab) if p_ab < 1 else 1.0)
        if pairs:
            scores.append(sum(pairs) / len(pairs))
    all_words = [w for t in top for k in t["keywords"][:10] for w in k.split()]
    return {
        "npmi": round(sum(scores) / len(scores), 4) if scores else None,
        "diversity": round(len(set(all_words)) / len(all_words), 4) if all_words else None,
        "n_topics": len(top),
    }


def coder_agreement(first: Mapping[str, str], second: Mapping[str, str]) -> dict[str, Any]:
    """Agreement between two coders who coded the same contributions blind (id → code; an
    empty code is a code too: "none of these"). Cohen's kappa corrects the observed agreement
    for the agreement expected by chance from each coder's own distribution; by the usual
    reading (Landis and Koch) 0.61–0.80 is substantial, above 0.80 almost perfect.
    Only contributions coded by both count; `disagreements` lists the ids coded differently."""
    ids = sorted(first.keys() & second.keys())
    n = len(ids)
    if n == 0:
        return {"n": 0, "observed": None, "expected": None, "kappa": None, "disagreements": []}
    a = [first[i] for i in ids]
    b = [second[i] for i in ids]
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a.keys() | count_b.keys()) / (n * n)
    kappa = 1.0 if expected == 1.0 else (observed - expected) / (1.0 - expected)
    return {
        "n": n,
        "observed": round(observed, 4),
        "expected": round(expected, 4),
        "kappa": round(kappa, 4),
        "disagreements": [i for i, x, y in zip(ids, a, b, strict=True) if x != y],
    }
