import pytest

from palabre_analysis import clean_text, detect_language, is_empty_content, mask_personal_data


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
    ],
)
def test_empty_content_answers_are_recognised(text):
    assert is_empty_content(text)


@pytest.mark.parametrize(
    "text",
    ["Carte grise", "La CAF", "Non au 80 km/h", "Impôts", "Rien ne va avec la carte grise"],
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
