"""French text to tokens: words, lemmas (simplemma, data inside the package), stop words.

Identifiers (URLs, `gid://…`, e-mail addresses) are no words: they are dropped before
tokenising, so that they never weigh in a topic nor become its label."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .cleaning import strip_identifiers

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.I)

EXTRA_STOP_WORDS = frozenset(
    {
        "etc",
        "faut",
        "faire",
        "fait",
        "plus",
        "moins",
        "trop",
        "tout",
        "tous",
        "toute",
        "toutes",
        "très",
        "bien",
        "aussi",
        "comme",
        "cela",
        "ça",
        "chose",
        "choses",
        "être",
        "avoir",
        "peut",
        "peuvent",
        "doit",
        "doivent",
        "non",
        "oui",
        "pourquoi",
        "comment",
        "quand",
        "sans",
        "sous",
        "entre",
        "chez",
        "vers",
        "car",
        "donc",
        "or",
        "ni",
        "si",
        "déjà",
        "encore",
        "toujours",
        "jamais",
        "rien",
        "beaucoup",
        "exemple",
        "notamment",
        "vraiment",
        "certain",
        "certains",
        "certaine",
        "certaines",
        "autre",
        "autres",
        "même",
        "mêmes",
        "dont",
        "où",
        "lorsque",
        "puis",
        "ainsi",
        "alors",
        "afin",
        "cette",
        "cet",
        "ces",
        "an",
        "ans",
        "fois",
        "cas",
        "mois",
        "jour",
        "jours",
        "année",
        "années",
        "gens",
        "parfois",
        "souvent",
    }
)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from stop_words import get_stop_words

    return frozenset(get_stop_words("fr")) | EXTRA_STOP_WORDS


def surface_words(text: str) -> list[str]:
    """Lower-case words as written, elisions kept ("droit d'urbanisme"): for labels."""
    return _WORD.findall(strip_identifiers(text).lower().replace("’", "'"))


def words(text: str) -> list[str]:
    """Lower-case words, elisions removed ("l'état" → "état")."""
    return [_ELISION.sub("", w) for w in _WORD.findall(strip_identifiers(text).lower())]


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """French lemma without accents: "impôts" and "impots" (often typed without accents)
    both give "impot"."""
    from simplemma import lemmatize

    base = str(lemmatize(word, lang="fr")).lower()
    folded = unicodedata.normalize("NFKD", base)
    return "".join(c for c in folded if not unicodedata.combining(c))


def content_lemmas(text: str, stops: frozenset[str] | None = None) -> list[str]:
    """Lemmas of the words that carry meaning (no stop words, or none of `stops`; no
    one-letter words)."""
    stops = stop_words() if stops is None else stops
    out = []
    for word in words(text):
        if len(word) < 2 or word in stops:
            continue
        base = lemma(word)
        if base not in stops and len(base) > 1:
            out.append(base)
    return out
