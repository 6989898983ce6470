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


def stance_name(value: str) -> str:
    """A stance as the readers name it ("for", "against", "neutral"), in the interface
    language; any other value as it is."""
    names = {"for": _("for"), "against": _("against"), "neutral": _("neutral")}
    return names.get(value, value)


def language_name(code: str) -> str:
    """The language's name in the interface language ("catalan" for "ca")."""
    names = {
        "fr": _("French"),
        "en": _("English"),
        "es": _("Spanish"),
        "ca": _("Catalan"),
        "de": _("German"),
        "it": _("Italian"),
        "pt": _("Portuguese"),
        "nl": _("Dutch"),
        "br": _("Breton"),
        "oc": _("Occitan"),
        "eu": _("Basque"),
        "gl": _("Galician"),
        "ar": _("Arabic"),
        "tr": _("Turkish"),
        "pl": _("Polish"),
        "ro": _("Romanian"),
        "ru": _("Russian"),
        "zh": _("Chinese"),
    }
    return names.get(code, code)
