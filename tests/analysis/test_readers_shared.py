"""Every reader on the real exports in ../shared/data (skipped when absent)."""

from collections import Counter

import pytest

from palabre_analysis import read

pytestmark = pytest.mark.shared_data

# (file, format, minimum contributions, kinds expected)
CASES = [
    ("granddebat/organisation_etat_demarches.csv", "generic", 19_000, set()),
    (
        "capcollectif/republique-numerique-2015-opinions.jsonl",
        "capcollectif-api",
        4_500,
        {"idea", "comment"},
    ),
    ("consul/decide-madrid-proposals.csv", "consul", 2_000, {"idea"}),
    ("vraidebat/proposals.jsonl", "vraidebat", 300, {"idea"}),
    ("polis/15-per-hour-seattle/comments.csv", "polis", 40, {"statement"}),
    ("decidim/mel-2019/commentaires_debats.csv", "decidim-comments", 600, {"comment"}),
    ("decidim/mel-2019/propositions-libres.csv", "decidim", 190, {"idea"}),
    ("decidim/mel-2019/debats.csv", "decidim", 25, {"debate"}),
    (
        "capcollectif/export-fixtures/consultation/contributions_croissance-innovation-disruption_collecte-des-avis.csv",
        "capcollectif",
        190,
        {"idea", "comment"},
    ),
    (
        "capcollectif/export-fixtures/collect/contributions_budget-participatif-rennes_collecte-des-propositions.csv",
        "capcollectif",
        140,
        {"idea", "comment"},
    ),
    (
        "capcollectif/export-fixtures/debate/contributions_debat-sur-le-cannabis_pour-ou-contre-la-legalisation-du-cannabis.csv",
        "capcollectif",
        10,
        {"comment"},
    ),
    (
        "capcollectif/export-fixtures/questionnaire/contributions_projet-pour-consolider-les-exports_questionnaire-export_simplified.csv",
        "capcollectif",
        5,
        {"answer"},
    ),
]


@pytest.mark.parametrize(
    ("name", "fmt", "minimum", "kinds"), CASES, ids=[c[0].split("/")[-1][:40] for c in CASES]
)
def test_real_export_is_recognised_and_read(shared_data, name, fmt, minimum, kinds):
    corpus = read(shared_data / name, text_column="answer" if fmt == "generic" else None)
    assert corpus.format == fmt
    assert len(corpus) >= minimum
    assert corpus.issues == []
    assert kinds <= {c.segments.get("kind") for c in corpus.contributions}
    assert len({c.id for c in corpus.contributions}) == len(corpus)
    assert not any("<p>" in c.text or "&eacute;" in c.text for c in corpus.contributions)


def test_stances_are_read(shared_data):
    corpus = read(shared_data / "decidim/mel-2019/commentaires_debats.csv")
    assert {"for", "against", "neutral"} <= {c.segments.get("stance") for c in corpus.contributions}
    corpus = read(shared_data / "capcollectif/republique-numerique-2015-opinions.jsonl")
    stances = Counter(
        c.segments.get("stance")
        for c in corpus.contributions
        if c.segments.get("kind") == "comment"
    )
    assert stances["for"] > 1000 and stances["against"] > 1000
    comment = next(c for c in corpus.contributions if c.segments.get("kind") == "comment")
    assert comment.segments["parent"] in {c.id for c in corpus.contributions}


def test_consul_dates_become_iso(shared_data):
    corpus = read(shared_data / "consul/decide-madrid-proposals.csv")
    dates = {c.segments.get("date", "")[:4] for c in corpus.contributions}
    assert all(d.isdigit() for d in dates if d)
