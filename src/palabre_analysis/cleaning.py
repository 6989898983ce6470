"""Text cleaning: HTML, normalisation, empty-content answers, personal data, language."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.I | re.S)
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers (0X XX XX XX XX, +33 X XX…, 0033…), separators: space, dot, dash.
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_WORDS = re.compile(r"[^\W\d_]+", re.U)

EMAIL_MASK = "[e-mail masqué]"
PHONE_MASK = "[téléphone masqué]"

#: Answers that say nothing, compared after folding (lower case, no accents, no punctuation).
EMPTY_ANSWERS = frozenset(
    {
        "ras",
        "r a s",
        "rien a signaler",
        "rien",
        "non",
        "oui",
        "neant",
        "aucun",
        "aucune",
        "aucune idee",
        "je ne sais pas",
        "ne sais pas",
        "nsp",
        "sans avis",
        "pas d avis",
        "sans opinion",
        "pas d opinion",
        "idem",
        "ok",
        "rien a dire",
        "rien de particulier",
        "non rien",
        "pas de reponse",
        "sans reponse",
        "nc",
        "na",
        "n a",
        "x",
        "xx",
        "xxx",
        "test",
        "pas d idee",
        "je n ai pas d avis",
        "aucun avis",
        "sans objet",
        "non concerne",
        "non merci",
        "pas vraiment",
        "bof",
        "tout",
        "rien du tout",
        "voir ci dessus",
        "cf ci dessus",
        "deja dit",
        "pas de commentaire",
        "aucun commentaire",
        "je ne vois pas",
        "je ne vois pas d exemple",
        "je n en vois pas",
        "je n ai pas d idee",
        "aucune en particulier",
        "rien de special",
        "pas d exemple",
        "je ne sais",
        "non aucune",
        "non aucun",
        "pas pour l instant",
        "pas a ma connaissance",
        "rien a ajouter",
    }
)


def strip_html(text: str) -> str:
    """Remove tags (keeping line breaks of block elements) and decode entities."""
    if "<" not in text and "&" not in text:
        return text
    text = _SCRIPT.sub(" ", text)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def normalise(text: str) -> str:
    """Unicode NFC, one space between words, single line breaks, trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def clean_text(text: str | None) -> str:
    return normalise(strip_html(text or ""))


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation and digits turned to spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_WORDS.findall(text))


#: Short answers (a dozen words at most) that only say "I have no example".
_NO_EXAMPLE = re.compile(
    r"^(?:(?:non|oui|bof|euh|hum)\s+)?(?:"
    r"je ne (?:me )?souviens (?:pas|plus)|je ne m en souviens (?:pas|plus)|"
    r"rien ne me vient|rien de (?:precis|particulier|special)|"
    r"(?:je n ai )?pas (?:d|de) (?:exemples?|idees?|cas)|aucun(?:e)? (?:exemples?|idees?)|"
    r"(?:je )?n en (?:ai|vois|connais) pas|"
    r"je ne (?:vois|connais|sais) pas(?:$| (?:d |de )?(?:exemples?|cas|idees?|regles?|quoi dire"
    r"|trop|vraiment|non plus|pour le moment|pour l instant))|"
    r"pas (?:pour le moment|pour l instant|dans l immediat|a ma connaissance|que je sache)|"
    r"(?:je n ai )?jamais (?:eu|rencontre) (?:de|ce)"
    r")\b"
)


#: Whole answers (folded) that only say "nothing to add", "no opinion", "I don't know",
#: with the politeness around them: "Je n'ai rien à ajouter", "Non, rien de plus, merci",
#: "Pas d'avis particulier", "Je ne me prononce pas". The whole answer must match: "Rien de
#: plus simple : un guichet unique" keeps its content.
_NOTHING_TO_SAY = re.compile(
    r"^(?:(?:non|oui|bof|euh|hum|ben|bah|bon|desole|desolee|franchement|honnetement|"
    r"sincerement|pour l instant|pour le moment|a part ca)\s+)*"
    r"(?:"
    # nothing (more, else, special) to add, say, report…
    r"(?:je n ai |j ai |il n y a |je ne vois )?(?:rien|plus rien)"
    r"(?: (?:de plus|d autre|de special|de particulier))?"
    r"(?: a (?:ajouter|rajouter|dire|redire|signaler|declarer|preciser|proposer|suggerer"
    r"|commenter|repondre))?"
    r"(?: (?:de plus|d autre|de particulier|pour (?:l instant|le moment|ma part)))?"
    r"|(?:je n ai |il n y a )?pas grand chose a (?:ajouter|rajouter|dire|redire|signaler)"
    r"|(?:je n ai )?(?:pas|aucun|aucune|sans) (?:d |de |d autre |d autres )?"
    r"(?:avis|opinion|idee|idees|remarque|remarques|commentaire|commentaires|suggestion"
    r"|suggestions|observation|observations|reponse)"
    r"(?: (?:particulier|particuliere|particuliers|particulieres|precis|precise"
    r"|sur (?:la question|le sujet|ce sujet|cette question)))?"
    r"|je ne (?:sais|saurais) (?:pas|plus|quoi)(?: (?:dire|repondre|quoi dire|quoi repondre))?"
    r"(?: (?:trop|vraiment|du tout))?"
    r"|je ne (?:me prononce|m exprime|peux (?:pas )?(?:repondre|me prononcer)) pas"
    r"|(?:je ne peux pas|impossible de) (?:repondre|me prononcer)"
    r"|sans commentaire|pas concerne|pas concernee|non concernee?"
    r")"
    r"(?:\s+(?:merci|merci beaucoup|desole|desolee|pour (?:l instant|le moment)))*$"
)


def is_empty_content(text: str) -> bool:
    """True for answers with nothing to analyse: "RAS", "non", "néant", "je ne sais pas",
    "je ne me souviens pas", "pas d'exemple", "Je n'ai rien à ajouter", "Rien de plus",
    "Pas d'avis particulier", punctuation or digits only, a single letter. French only."""
    folded = fold(text)
    if len(folded.replace(" ", "")) < 2:
        return True
    if folded in EMPTY_ANSWERS:
        return True
    if folded.count(" ") < 12 and bool(_NO_EXAMPLE.match(folded)):
        return True
    return folded.count(" ") < 16 and bool(_NOTHING_TO_SAY.match(folded))


#: Identifiers that are not words: URLs, Decidim/Rails global ids (`gid://…`), other
#: `scheme://` references, `www.` addresses and e-mail addresses.
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*|\bwww\.\S+|" + _EMAIL.pattern, re.I)


def strip_identifiers(text: str) -> str:
    """`text` without URLs, `gid://` identifiers and e-mail addresses (each becomes a space):
    what the topics, labels and language detection read, so that no identifier becomes a
    topic label. Quotes keep the text as written."""
    if "://" not in text and "@" not in text and "www." not in text and "WWW." not in text:
        return text
    return _IDENTIFIER.sub(" ", text)


def shorten(text: str, max_chars: int) -> str:
    """`text` cut at the last whole word before `max_chars`, with "…", when longer; a text
    without a space in reach is cut at `max_chars` (still with "…")."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars + 1]
    cut = cut[: cut.rfind(" ")] if " " in cut[1:] else text[:max_chars]
    return cut.rstrip(" ,;:-–—(") + "…"


def mask_personal_data(text: str) -> str:
    """Replace e-mail addresses and phone numbers (anything the engine outputs goes through it)."""
    return _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text))


def detect_language(text: str, *, default: str = "fr") -> str:
    """The most likely ISO 639-1 code of one text, or `default` when it is too short to tell
    (under five words). A corpus is better served by `languages.detect_languages`, which
    reads short texts in the light of the long ones."""
    if len(_WORDS.findall(strip_identifiers(text))) < 5:  # too short to tell reliably
        return default
    from .languages import detect_languages

    return detect_languages([text], default=default)[0]
