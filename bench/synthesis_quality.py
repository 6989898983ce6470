"""Synthesis quality on real data: `make bench` writes bench/results/synthesis-quality.json.

The engine against the hand-labelled sample of Grand Débat answers (tests/analysis/data/
granddebat_gold.csv), compared with the naive pipeline (lemmas + TF-IDF + k-means on every
answer, no cleaning, no duplicate handling) with the same number of topics.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent / "tests" / "analysis" / "data" / "granddebat_gold.csv"
RESULTS = HERE / "results"


def naive(texts: list[str], k: int, seed: int = 0) -> list[int]:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from palabre_analysis.text import content_lemmas

    matrix = TfidfVectorizer(
        tokenizer=content_lemmas, lowercase=False, token_pattern=None
    ).fit_transform(texts)
    return MiniBatchKMeans(k, random_state=seed, n_init=3).fit_predict(matrix).tolist()


def main() -> int:
    sys.path.insert(0, str(HERE))
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from synthetic import SOURCE

    from palabre_analysis import read
    from palabre_analysis.cli import evaluate_corpus
    from palabre_analysis.evaluation import load_labels

    if not SOURCE.is_file():
        print(f"skipped: {SOURCE} is absent")
        return 0
    corpus = read(SOURCE, text_column="answer")
    labels = load_labels(GOLD)
    started = time.perf_counter()
    report = evaluate_corpus(corpus, labels=labels, n_topics="auto", random_state=0)
    seconds = time.perf_counter() - started
    agreement = report["agreement"]
    k = report["coherence"]["n_topics"]
    texts = [c.text for c in corpus.contributions]
    ids = [c.id for c in corpus.contributions]
    clusters = dict(zip(ids, naive(texts, k), strict=True))
    gold_ids = [i for i in labels if i in clusters]
    truth = [labels[i] for i in gold_ids]
    guess = [clusters[i] for i in gold_ids]
    baseline = {
        "nmi": round(float(normalized_mutual_info_score(truth, guess)), 4),
        "ari": round(float(adjusted_rand_score(truth, guess)), 4),
    }
    output = {
        "benchmark": "synthesis-quality",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "data": "granddebat/organisation_etat_demarches.csv, 300 hand-labelled answers, 9 labels",
        "engine": {"seconds": round(seconds, 1), **report},
        "naive_baseline": {
            "method": "lemmas + TF-IDF + MiniBatchKMeans, same k",
            "k": k,
            **baseline,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "synthesis-quality.json"
    path.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    engine_line = f"NMI {agreement['nmi']}, ARI {agreement['ari']}, F1 {agreement['macro_f1']}"
    baseline_line = f"NMI {baseline['nmi']}, ARI {baseline['ari']}"
    print(f"engine: {engine_line}; naive baseline: {baseline_line}")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
