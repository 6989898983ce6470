"""TopicModel on small corpora: how many topics "auto" makes, and what labels may be."""

import pytest

from palabre_analysis.records import Contribution, Corpus
from palabre_analysis.synthesis import Synthesizer
from palabre_analysis.topics import TopicModel, max_topics

FIVE = [
    "Les pistes cyclables sont dangereuses la nuit",
    "Il faut rénover le marché couvert du centre",
    "Les bus sont trop rares le dimanche",
    "La piscine municipale ferme trop tôt le soir",
    "Plus de bancs dans le parc de la mairie",
]


def top_level(model):
    return [t for t in model.topics_ if t.parent is None]


def test_five_answers_make_one_topic_not_four():
    assert len(top_level(TopicModel(random_state=0).fit(FIVE))) == 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_tiny_corpus_has_at_most_one_topic_per_five_voices(seed):
    texts = [
        *FIVE,
        "Les pistes cyclables manquent près de la gare",
        "Le marché couvert doit garder ses commerçants",
        "Les bus de nuit manquent le week-end",
        "La piscine doit ouvrir le dimanche matin",
        "Des jeux pour enfants dans le parc",
        "Des pistes cyclables sécurisées vers le lycée",
        "Le toit du marché couvert fuit",
    ]
    model = TopicModel(random_state=seed).fit(texts)
    assert 1 <= len(top_level(model)) <= len(texts) // 5


def test_the_cap_counts_voices_not_distinct_texts():
    assert max_topics(40.0, 5, 20) == 8
    assert [max_topics(v, 5, 20) for v in (0, 4, 5, 9, 10, 20, 1000)] == [1, 1, 1, 1, 2, 4, 20]


def test_a_number_of_topics_given_is_kept():
    assert len(top_level(TopicModel(n_topics=3, random_state=0).fit(FIVE))) == 3


def test_the_synthesis_of_five_answers_has_one_topic():
    corpus = Corpus([Contribution(id=str(i), text=t) for i, t in enumerate(FIVE)], [], [], "x")
    result = Synthesizer().fit(corpus).result_
    assert len([t for t in result["topics"] if t["parent"] is None]) == 1


def test_identifiers_never_become_labels_or_keywords():
    """Decidim mentions (`gid://…`) and links are stripped before vectorising."""
    mention = "gid://decidim-app/Decidim::User/759"
    link = "https://participez.nancy.fr/processes/GrandDebatNational/f/88/proposals/378"
    themes = {
        "vélo": "{m} Les pistes cyclables {p} doivent être sécurisées",
        "bus": "Les horaires des bus {p} sont trop limités, voir {l}",
        "parc": "Le parc municipal {p} manque de bancs et d'arbres",
    }
    places = ["au centre", "à la gare", "au nord", "au port", "près du lycée", "au sud"]
    texts = [
        template.format(m=mention, l=link, p=place) + f" ({n})"
        for template in themes.values()
        for place in places
        for n in range(4)
    ]
    model = TopicModel(random_state=0).fit(texts)
    words = " ".join(t.label + " " + " ".join(t.keywords) for t in model.topics_).lower()
    for fragment in ("gid", "decidim", "user", "https", "nancy", "participez", "proposals"):
        assert fragment not in words, words
