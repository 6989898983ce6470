import pytest

from palabre_analysis import clean_text, detect_language, is_empty_content, mask_personal_data
from palabre_analysis.cleaning import shorten, strip_identifiers


@pytest.mark.parametrize(
    "text",
    [
        "RAS",
        "ras.",
        "R.A.S",
        "Non",
        "non !",
        "Néant",
        "NEANT",
        "je ne sais pas",
        "Je ne sais pas...",
        "...",
        "?!",
        "12",
        "x",
        "  ",
        "Aucune.",
        "Sans avis",
        "Je ne vois pas",
        # nothing to add, no opinion, don't know: whole answers, politeness around them
        "Je n'ai rien à ajouter",
        "Je n’ai rien à ajouter.",
        "rien à ajouter",
        "Rien de plus",
        "Rien de plus, merci.",
        "Non, rien d'autre à signaler",
        "Je n'ai rien de plus à dire",
        "Rien à rajouter pour le moment",
        "pas d'avis",
        "Pas d'avis particulier",
        "Je n'ai pas d'avis sur la question",
        "Aucun avis",
        "Aucune remarque particulière",
        "Pas de commentaires.",
        "Sans commentaire",
        "je ne sais pas",
        "Je ne sais plus",
        "Je ne saurais pas dire",
        "Je ne me prononce pas",
        "Pas grand-chose à ajouter",
    ],
)
def test_empty_content_answers_are_recognised(text):
    assert is_empty_content(text)


@pytest.mark.parametrize(
    "text",
    [
        "Carte grise",
        "La CAF",
        "Non au 80 km/h",
        "Impôts",
        "Rien ne va avec la carte grise",
        # the same words, with something to say after them
        "Rien de plus simple : un guichet unique pour la carte grise",
        "Rien à ajouter sur l'accueil, mais les délais sont trop longs",
        "Pas d'avis des usagers avant la fermeture du bureau de poste",
        "Je ne sais pas pourquoi la mairie ferme le samedi",
        "Plus rien ne fonctionne à la préfecture",
        "Pas grand-chose",
    ],
)
def test_real_answers_are_kept(text):
    assert not is_empty_content(text)


def test_html_is_stripped_and_text_normalised():
    html = (
        "<p>Bonjour&nbsp;<strong>la&nbsp;ville</strong></p><p>Deux&eacute;</p><script>x()</script>"
    )
    assert clean_text(html) == "Bonjour la ville\nDeuxé"
    assert clean_text("  a \r\n\r\n b\t c ") == "a\nb c"
    assert clean_text(None) == ""


def test_personal_data_is_masked():
    text = "Écrivez à jean.dupont@mairie.fr ou au 06 12 34 56 78, +33 1 23 45 67 89, 0612345678."
    masked = mask_personal_data(text)
    assert "jean.dupont" not in masked and "06 12" not in masked and "+33" not in masked
    assert masked.count("[téléphone masqué]") == 3 and "[e-mail masqué]" in masked
    assert mask_personal_data("En 2019, 1 200 000 réponses") == "En 2019, 1 200 000 réponses"


def test_language_detection():
    assert detect_language("Les démarches administratives sont beaucoup trop compliquées") == "fr"
    assert detect_language("Metro accesible para los vecinos del barrio de Campamento") == "es"
    assert detect_language("Carte grise") == "fr"  # too short: the default


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    text = "Nous demandons la rénovation complète du marché couvert avant l'hiver prochain"
    assert shorten(text, 200) == text
    cut = shorten(text, 30)
    assert cut == "Nous demandons la rénovation…"
    assert text.startswith(cut[:-1]) and len(cut) <= 31
    assert shorten("anticonstitutionnellement", 10) == "anticonsti…"  # no space in reach
    assert shorten("Un mot, puis la suite", 7) == "Un mot…"  # no comma left before "…"


def test_identifiers_are_stripped_for_analysis_only():
    text = (
        "gid://decidim-app/Decidim::User/759 Voir https://participez.nancy.fr/processes/12 "
        "et www.exemple.fr ou écrire à jean.dupont@mairie.fr pour le RIC"
    )
    stripped = strip_identifiers(text)
    for fragment in ("gid", "decidim", "https", "nancy", "www", "exemple", "dupont", "mairie"):
        assert fragment not in stripped.lower()
    assert "Voir" in stripped and "pour le RIC" in stripped
    assert strip_identifiers("Carte grise") == "Carte grise"
