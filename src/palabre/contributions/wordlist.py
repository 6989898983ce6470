"""The organisation's word list: a contribution containing one of its words or phrases is
held for a moderator's review instead of being published at once (accents and case do not
matter; whole words only, so "con" does not catch "conseil")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=64)
def _pattern(words: str) -> re.Pattern[str] | None:
    terms = sorted(
        {_fold(line.strip()) for line in words.splitlines() if line.strip()}, key=len, reverse=True
    )
    if not terms:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, term.split())) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def held_terms(text: str, words: str) -> list[str]:
    """The listed words or phrases found in `text` (folded), in order of appearance."""
    pattern = _pattern(words)
    if pattern is None:
        return []
    found: list[str] = []
    for match in pattern.finditer(_fold(text)):
        term = re.sub(r"\s+", " ", match.group(0))
        if term not in found:
            found.append(term)
    return found
