"""TopicRanker: the topics a text most likely belongs to, to offer a coder first."""

from palabre_analysis.ranking import TopicRanker


def test_ranks_the_topic_whose_texts_share_its_words_first():
    ranker = TopicRanker(k=2).fit(
        {
            "velo": ["Pistes cyclables", "Des pistes cyclables protégées vers l'école"],
            "arbres": ["Arbres et ombre", "Planter des arbres sur la place"],
            "bruit": ["Bruit la nuit", "Le bruit des motos la nuit"],
        }
    )
    ranked = ranker.rank(["Une piste cyclable vers le lycée", "Planter un arbre"])
    assert [row[0] for row in ranked] == ["velo", "arbres"]
    assert all(len(row) == 2 for row in ranked)  # k of them
    assert ranker.rank(["Le bruit des scooters"])[0][0] == "bruit"


def test_topics_without_words_keep_their_order():
    ranker = TopicRanker(k=10).fit({"a": [""], "b": [""]})
    assert ranker.rank(["n'importe quoi"]) == [["a", "b"]]
    assert TopicRanker().fit({"a": ["vélo"], "b": []}).rank([]) == []
