"""Translations of the engine's messages (gettext domain `palabre_analysis`).

Message ids are English; the French catalogue lives in `locale/`. The language comes from
`PALABRE_LANG`, then `LANGUAGE`/`LC_ALL`/`LANG`; French unless one of them asks for English.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def current_language() -> str:
    for name in ("PALABRE_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


@lru_cache(maxsize=4)
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "palabre_analysis", localedir=LOCALE_DIR, languages=[language], fallback=True
    )


def _(message: str) -> str:
    return _translation(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation(current_language()).ngettext(singular, plural, n)
