from palabre_analysis import DuplicateFinder

TEMPLATE = (
    "Nous demandons à la mairie de conserver le marché couvert du centre-ville et de rénover "
    "sa toiture avant l'hiver prochain pour les commerçants et les habitants du quartier"
)


def test_exact_near_and_short_groups():
    texts = [
        TEMPLATE,
        TEMPLATE.upper() + " !",  # same after folding
        TEMPLATE.replace("l'hiver prochain", "l'été prochain"),  # edited template
        "Carte grise",
        "carte grise.",
        "Une idée complètement différente sur les pistes cyclables et les trottoirs du centre",
        "",
    ]
    finder = DuplicateFinder(random_state=0).fit(texts)
    groups = {g.members: g for g in finder.groups_}
    assert set(groups) == {(0, 1, 2), (3, 4)}
    assert groups[(0, 1, 2)].kind == "near" and groups[(0, 1, 2)].campaign
    assert groups[(3, 4)].kind == "exact" and not groups[(3, 4)].campaign
    assert list(finder.group_of_) == [0, 0, 0, 1, 1, -1, -1]


def test_unrelated_texts_on_the_same_subject_are_not_grouped():
    texts = [
        "Il faut plus de pistes cyclables sécurisées entre le centre et la gare pour les enfants",
        "Les pistes cyclables du centre sont dangereuses la nuit faute d'éclairage public suffisant",
        "Je voudrais que la gare soit mieux desservie par les bus le dimanche et les jours fériés",
    ]
    assert DuplicateFinder().fit(texts).groups_ == []


def test_results_are_deterministic():
    texts = [TEMPLATE + f" {i % 3}" for i in range(60)] + [
        f"texte numéro {i} différent" for i in range(40)
    ]
    first = DuplicateFinder(random_state=7).fit(texts).groups_
    second = DuplicateFinder(random_state=7).fit(texts).groups_
    assert first == second and first


def test_a_short_common_sentence_by_several_people_is_not_a_campaign():
    """Eight people writing "Il faut plus de pistes cyclables en ville" (eight words) are
    eight voices; a pasted letter stays one voice."""
    from palabre_analysis.records import Contribution, Corpus
    from palabre_analysis.synthesis import Synthesizer

    sentence = "Il faut plus de pistes cyclables en ville"
    texts = [sentence] * 8 + ["La limitation de vitesse à 80 km/h"] * 3 + [TEMPLATE] * 5
    finder = DuplicateFinder().fit(texts)
    campaign = {g.members[0]: g.campaign for g in finder.groups_}
    assert campaign == {0: False, 8: False, 11: True}
    others = [
        "Les bus passent trop rarement le dimanche soir dans le quartier nord",
        "Le marché couvert doit être rénové rapidement",
    ]
    corpus = Corpus(
        [Contribution(id=str(i), text=t) for i, t in enumerate(texts + others)],
        [],
        ["text"],
        "generic",
    )
    result = Synthesizer(n_topics=2).fit(corpus).result_
    # 8 + 3 people, the pasted letter once, two other answers
    assert result["n_voices"] == 8 + 3 + 1 + 2


def test_words_are_counted_as_written():
    from palabre_analysis.duplicates import written_words

    assert written_words("La limitation de vitesse à 80 km/h") == 7
    assert written_words("Je n'ai pas d'avis - merci") == 5
